// Percentiles and the printed report of a benchmark run.

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarize(values) {
  const s = Float64Array.from(values).sort();
  const r = (x) => (x === null ? null : Math.round(x * 10) / 10);
  return { count: s.length, p50: r(percentile(s, 50)), p95: r(percentile(s, 95)), p99: r(percentile(s, 99)), max: r(s.length ? s[s.length - 1] : null) };
}

const pad = (v, n) => String(v ?? '–').padStart(n);
const mb = (bytes) => `${(bytes / 1048576).toFixed(0)} MB`;

export function formatReport(r) {
  const lines = [];
  lines.push(`Checkout benchmark: ${r.channel}, ${r.concurrency} workers, ${r.durationSeconds} s measured after ${r.warmupSeconds} s warmup`);
  lines.push(`Machine: ${r.machine.cores} cores, ${r.machine.model}, node ${r.machine.node}, ${mb(r.machine.memoryBytes)} RAM`);
  lines.push('');
  lines.push(`Throughput   ${r.throughputPerSecond.toFixed(1)} checkouts/s  (${r.checkouts} checkouts)`);
  lines.push(`Errors       ${r.errors}${r.errors ? '  ' + Object.entries(r.errorsByKind).map(([k, n]) => `${k}: ${n}`).join(', ') : ''}`);
  lines.push('');
  lines.push(`${'latency ms'.padEnd(14)}${pad('p50', 9)}${pad('p95', 9)}${pad('p99', 9)}${pad('max', 9)}`);
  for (const [name, s] of [...Object.entries(r.steps), ['checkout', { ...r.latencyMs }]]) {
    lines.push(`${name.padEnd(14)}${pad(s.p50, 9)}${pad(s.p95, 9)}${pad(s.p99, 9)}${pad(s.max, 9)}`);
  }
  lines.push('');
  const c = r.cpu;
  lines.push(`CPU (stack = services + own PostgreSQL backends; shared = postmaster helpers + nats-server, whoever uses them)`);
  lines.push(`  stack    ${c.stackSeconds.toFixed(1)} s = ${c.stackPercentOfMachine.toFixed(0)}% of ${r.machine.cores} cores, ${c.stackMsPerCheckout.toFixed(1)} CPU-ms per checkout`);
  lines.push(`  + shared ${c.totalSeconds.toFixed(1)} s = ${c.totalPercentOfMachine.toFixed(0)}% of ${r.machine.cores} cores, ${c.totalMsPerCheckout.toFixed(1)} CPU-ms per checkout`);
  lines.push(`  bench client ${c.benchClientSeconds.toFixed(1)} s; whole machine busy ${c.machineBusyPercent.toFixed(0)}% (other work on the box included)`);
  const others = (c.others ?? []).filter((o) => o.percentOfMachine >= 1);
  if (others.length) lines.push(`  other work on the box: ${others.map((o) => `${o.name} ${o.percentOfMachine.toFixed(0)}%`).join(', ')} of the machine`);
  const sp = r.speedProbe;
  if (sp?.runs) {
    lines.push(`  machine speed: the probe's fixed work took ${sp.medianMs.toFixed(2)} CPU-ms (p10 ${sp.p10Ms.toFixed(2)}, p90 ${sp.p90Ms.toFixed(2)}, ${sp.runs} runs; lower is faster)`);
    lines.push(`  → ${sp.totalPerCheckoutInProbes.toFixed(2)} probe-units of CPU per checkout (CPU-ms with shared ÷ probe ms: compare this across runs, not CPU-ms)`);
    if (sp.roundTripMedianUs != null) lines.push(`  kernel speed: a pipe round trip to another process cost the probe ${sp.roundTripMedianUs.toFixed(1)} CPU-µs (p90 ${sp.roundTripP90Us.toFixed(1)}; the fixed work does not see a slower kernel, this does)`);
  }
  if (r.windows?.length > 1) {
    lines.push(`  by window: ${r.windows.map((w, i) => `${i + 1}) ${w.throughputPerSecond.toFixed(1)}/s, ${w.msPerCheckout?.toFixed(1) ?? '–'} CPU-ms, ${w.perCheckoutInProbes?.toFixed(2) ?? '–'} probe-units`).join('; ')}`);
  }
  lines.push(`${'  process'.padEnd(24)}${pad('CPU s', 8)}${pad('share', 7)}${pad('ms/chk', 8)}${pad('RSS', 9)}${pad('PSS', 9)}`);
  for (const g of c.groups) {
    lines.push(`${('  ' + g.group).padEnd(24)}${pad(g.cpu.toFixed(1), 8)}${pad(((100 * g.cpu) / Math.max(c.totalSeconds, 1e-9)).toFixed(0) + '%', 7)}${pad(g.msPerCheckout.toFixed(1), 8)}${pad(mb(g.rss), 9)}${pad(mb(g.pss), 9)}`);
  }
  const d = r.database;
  lines.push(`PostgreSQL per checkout: ${d.xacts} transactions, rows returned ${d.returned}, fetched ${d.fetched}, inserted ${d.inserted}, updated ${d.updated}, deleted ${d.deleted}`);
  lines.push(`  row writes by table: ${Object.entries(d.rowWritesByTable).map(([t, w]) => `${t} ${w}`).join(', ')}`);
  const t = r.roundTrips;
  if (t) {
    lines.push(`Round trips per checkout: ${t.total.sql} SQL statements, NATS messages ${t.total.natsOut} sent and ${t.total.natsIn} received`);
    lines.push(`  by service (SQL / NATS out / NATS in): ${Object.entries(t.byService).map(([s, v]) => `${s} ${v.sql}/${v.natsOut}/${v.natsIn}`).join(', ')}`);
  }
  const m = r.memory;
  lines.push(`Memory at end: stack RSS ${mb(m.stackRssBytes)} (PSS ${mb(m.stackPssBytes)}), with shared RSS ${mb(m.totalRssBytes)} (PSS ${mb(m.totalPssBytes)})`);
  return lines.join('\n');
}
