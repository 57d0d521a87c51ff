// Database work per checkout from PostgreSQL's own counters for the stack's database: how many
// transactions (≈ round trips that commit) and rows touched. Counters are flushed by backends
// about once a second, so over a run of tens of seconds the per-checkout figures are close.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Client } = require('pg');

const SQL = `SELECT xact_commit + xact_rollback AS xacts, tup_returned AS returned, tup_fetched AS fetched,
  tup_inserted AS inserted, tup_updated AS updated, tup_deleted AS deleted
  FROM pg_stat_database WHERE datname = current_database()`;

// Writes per table show where the rows come from (outbox, inbox, ledger, orders…).
const TABLES = `SELECT schemaname || '.' || relname AS t, n_tup_ins + n_tup_upd + n_tup_del AS w FROM pg_stat_user_tables`;

export async function dbCounters(databaseUrl) {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query(SQL);
    const tables = await c.query(TABLES);
    return { ...Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)])), tables: Object.fromEntries(tables.rows.map((r) => [r.t, Number(r.w)])) };
  } finally {
    await c.end();
  }
}

/** Counter differences divided by the number of checkouts. */
export function perCheckout(before, after, checkouts) {
  const per = (a, b) => (checkouts ? Math.round((10 * (a - (b ?? 0))) / checkouts) / 10 : 0);
  const counters = Object.fromEntries(Object.keys(after).filter((k) => k !== 'tables').map((k) => [k, per(after[k], before[k])]));
  const tables = Object.entries(after.tables).map(([t, w]) => [t, per(w, before.tables[t])]).filter(([, w]) => w > 0).sort((a, b) => b[1] - a[1]);
  return { ...counters, rowWritesByTable: Object.fromEntries(tables) };
}
