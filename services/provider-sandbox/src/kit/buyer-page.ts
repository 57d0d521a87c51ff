const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{margin:0;font:16px/1.5 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;background:#f2f4f7;color:#1a1a1a}
main{max-width:420px;margin:0 auto;padding:32px 20px}.card{background:#fff;border-radius:16px;padding:28px 24px;box-shadow:0 2px 12px rgba(0,0,0,.06);text-align:center}
.brand{color:var(--accent);font-weight:600;letter-spacing:.02em}.amount{font-size:44px;font-weight:600;margin:12px 0 4px}.amount small{font-size:22px;margin-right:4px}
.muted{color:#666;font-size:14px}dl{margin:24px 0;font-size:14px;border-top:1px solid #eee}
dl div{display:flex;justify-content:space-between;gap:16px;padding:10px 0;border-bottom:1px solid #eee}dt{color:#888}dd{margin:0;overflow-wrap:anywhere;text-align:right}
button.pay{width:100%;padding:16px;border:0;border-radius:12px;background:var(--accent);color:#fff;font-size:18px;font-weight:600;cursor:pointer}
button.link{background:none;border:0;color:#666;text-decoration:underline;margin-top:16px;cursor:pointer;font-size:14px}
.status{font-size:22px;font-weight:600;margin:8px 0 4px}.status.ok{color:#16a34a}.status.ok::before{content:"✓";display:block;margin:0 auto 8px;width:56px;height:56px;line-height:56px;border-radius:50%;background:#16a34a;color:#fff;font-size:30px}
.sandbox{margin-top:20px;text-align:center;font-size:12px;color:#999}`;

export interface BuyerPage {
  /** e.g. `{ zh: '微信支付', en: 'WeChat Pay' }`. */
  brand: { zh: string; en: string };
  /** CSS colour of the brand, buttons included. */
  accent: string;
  /** Amount in the provider's major unit as text, e.g. `88.88`. */
  amount: string;
  subject: string;
  rows: [string, string][];
  /** Where the Pay and Decline buttons post; absent once the payment can no longer be paid. */
  actions?: { pay: string; decline: string };
  /** Set once the payment is final: `paid` shows the green tick, anything else its own words. */
  outcome?: 'paid' | string;
  notice?: string;
}

/** The page a QR code or redirect opens: what the buyer sees in the provider's app, simplified. */
export function buyerPage(p: BuyerPage): string {
  const final = p.outcome === 'paid'
    ? `<p class="status ok">Paid</p><p class="muted">You can return to the merchant's page; it updates by itself.</p>`
    : `<p class="status">${esc(p.outcome ?? '')}</p>`;
  const body = p.actions
    ? `<form method="post" action="${esc(p.actions.pay)}"><button class="pay" type="submit">Pay ¥${esc(p.amount)}</button></form>
       <form method="post" action="${esc(p.actions.decline)}"><button class="link" type="submit">Decline</button></form>`
    : final;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(p.brand.en)} sandbox · ${esc(p.subject)}</title><style>:root{--accent:${p.accent}}${STYLE}</style></head><body><main><div class="card">
<div class="brand"><span lang="zh-CN">${esc(p.brand.zh)}</span> ${esc(p.brand.en)} · sandbox</div>
<div class="amount"><small>¥</small>${esc(p.amount)}</div><div class="muted">${esc(p.subject)}</div>
<dl>${p.rows.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>
${p.notice ? `<p class="muted">${esc(p.notice)}</p>` : ''}${body}</div>
<p class="sandbox">Simulated wallet — no real money moves.</p></main></body></html>`;
}
