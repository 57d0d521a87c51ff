import type { EntityManager } from 'typeorm';
import { assertBalanced, type TransferDraft } from './ledger';

/**
 * The statement that posts a transfer: opens missing accounts, inserts the transfer, and its
 * entries only if the transfer was new. It returns the transfer's id when it was new and no row
 * when the id was already posted (a replay). The balance trigger runs when its transaction
 * commits (its own, when it runs outside one).
 */
export function transferStatement(t: TransferDraft): { sql: string; params: unknown[] } {
  assertBalanced(t);
  const accounts = [...new Map(t.entries.map((e) => [e.account.id, e.account])).values()];
  return {
    sql: `WITH acc AS (
       INSERT INTO accounts (id, kind, owner, currency)
       SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) ON CONFLICT (id) DO NOTHING),
     t AS (INSERT INTO transfers (id, order_id) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id),
     e AS (
       INSERT INTO entries (transfer_id, account_id, amount, currency)
       SELECT t.id, x.account_id, x.amount, x.currency FROM t, unnest($7::text[], $8::bigint[], $9::text[]) WITH ORDINALITY AS x(account_id, amount, currency, n)
       ORDER BY x.n RETURNING 1)
     SELECT id FROM t`,
    params: [
      t.id, t.orderId,
      accounts.map((a) => a.id), accounts.map((a) => a.kind), accounts.map((a) => a.owner), accounts.map((a) => a.currency),
      t.entries.map((e) => e.account.id), t.entries.map((e) => e.amount.toString()), t.entries.map((e) => e.account.currency),
    ],
  };
}

/** Posts a transfer (see `transferStatement`); false when the id was already posted. */
export async function postTransfer(em: Pick<EntityManager, 'query'>, t: TransferDraft): Promise<boolean> {
  const { sql, params } = transferStatement(t);
  const rows: unknown[] = await em.query(sql, params);
  return rows.length === 1;
}

/** A seller's pending money per currency: the negated sum of the entries on its pending accounts. */
export async function sellerPendingByCurrency(em: Pick<EntityManager, 'query'>, sellerId: string): Promise<{ currency: string; pending: bigint }[]> {
  const rows: { currency: string; pending: string }[] = await em.query(
    `SELECT a.currency, -sum(e.amount) AS pending FROM accounts a JOIN entries e ON e.account_id = a.id
     WHERE a.kind = 'seller_pending' AND a.owner = $1 GROUP BY a.currency ORDER BY a.currency`,
    [sellerId],
  );
  return rows.map((r) => ({ currency: r.currency, pending: BigInt(r.pending) }));
}
