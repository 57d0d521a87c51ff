// Round trips per checkout, per service, from each service's own Prometheus counters: SQL
// statements sent to PostgreSQL and NATS messages sent and received. Unlike CPU seconds these are
// exact counts, the same on every machine, so a change that removes a round trip shows here even
// when the machine's noise hides it in the throughput.
const COUNTERS = {
  sql: /^sql_statements_total (\d+(?:\.\d+)?(?:e\+\d+)?)$/m,
  natsOut: /^nats_client_messages_total\{direction="out"\} (\d+(?:\.\d+)?(?:e\+\d+)?)$/m,
  natsIn: /^nats_client_messages_total\{direction="in"\} (\d+(?:\.\d+)?(?:e\+\d+)?)$/m,
};

/** `{ [service]: { sql, natsOut, natsIn } }` now, for every service of the stack that answers. */
export async function roundTripCounters(urls) {
  const out = {};
  await Promise.all(Object.entries(urls).map(async ([service, url]) => {
    const text = await fetch(`${url}/metrics`).then((r) => (r.ok ? r.text() : '')).catch(() => '');
    out[service] = Object.fromEntries(Object.entries(COUNTERS).map(([k, re]) => [k, Number(text.match(re)?.[1] ?? 0)]));
  }));
  return out;
}

/** Differences per checkout, one decimal, with a total row; services with no traffic are left out. */
export function roundTripsPerCheckout(before, after, checkouts) {
  const per = (n) => (checkouts ? Math.round((10 * n) / checkouts) / 10 : 0);
  const rows = {};
  const total = { sql: 0, natsOut: 0, natsIn: 0 };
  for (const [service, a] of Object.entries(after)) {
    const b = before[service] ?? { sql: 0, natsOut: 0, natsIn: 0 };
    const d = Object.fromEntries(Object.keys(total).map((k) => [k, a[k] - b[k]]));
    for (const k of Object.keys(total)) total[k] += d[k];
    if (d.sql + d.natsOut + d.natsIn > 0) rows[service] = Object.fromEntries(Object.entries(d).map(([k, v]) => [k, per(v)]));
  }
  return { total: Object.fromEntries(Object.entries(total).map(([k, v]) => [k, per(v)])), byService: rows };
}
