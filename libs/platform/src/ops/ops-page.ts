/** One block of a service's dashboard: key figures, or a table of recent rows. */
export type OpsSection =
  | { title: string; kind: 'figures'; figures: Record<string, string | number> }
  | { title: string; kind: 'table'; rows: Record<string, unknown>[]; empty?: string };

export interface OpsSectionSource {
  /** `query` is the page's query string (e.g. `?payment=<reference>` to look at one payment). */
  sections(query: Readonly<Record<string, string>>): Promise<OpsSection[]>;
}

const esc = (v: unknown) =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

function renderSection(s: OpsSection): string {
  if (s.kind === 'figures') {
    const cells = Object.entries(s.figures).map(([k, v]) => `<div class="fig"><b>${esc(v)}</b><span>${esc(k)}</span></div>`).join('');
    return `<section><h2>${esc(s.title)}</h2><div class="figs">${cells}</div></section>`;
  }
  if (s.rows.length === 0) return `<section><h2>${esc(s.title)}</h2><p class="empty">${esc(s.empty ?? 'nothing yet')}</p></section>`;
  const cols = Object.keys(s.rows[0]);
  const head = cols.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = s.rows.map((r) => `<tr>${cols.map((c) => `<td>${esc(typeof r[c] === 'object' ? JSON.stringify(r[c]) : r[c])}</td>`).join('')}</tr>`).join('');
  return `<section><h2>${esc(s.title)}</h2><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></section>`;
}

/** The shared dashboard shell: every service's `/ops` looks and reads the same. */
export function renderOpsPage(service: string, sections: OpsSection[], generatedAt = new Date()): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="refresh" content="10"><title>${esc(service)} · ops</title><style>
body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1c2330}
header{background:#1c2330;color:#fff;padding:12px 24px;display:flex;justify-content:space-between;align-items:baseline}
header h1{font-size:18px;margin:0}header small{opacity:.7}main{padding:16px 24px;display:grid;gap:16px}
section{background:#fff;border:1px solid #e3e6eb;border-radius:8px;padding:12px 16px;overflow-x:auto}
h2{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:#5b6577;margin:0 0 8px}
.figs{display:flex;flex-wrap:wrap;gap:12px}.fig{min-width:120px;padding:8px 12px;background:#f6f7f9;border-radius:6px}
.fig b{display:block;font-size:20px}.fig span{color:#5b6577;font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f3;white-space:nowrap}
th{color:#5b6577;font-weight:600}.empty{color:#8a93a3}</style></head>
<body><header><h1>${esc(service)}</h1><small>ops dashboard · ${esc(generatedAt.toISOString())} · refreshes every 10 s</small></header>
<main>${sections.map(renderSection).join('\n')}</main></body></html>`;
}
