import type { EntityManager } from 'typeorm';
import { assertBalanced, type TransferDraft } from './ledger';

/**
 * The statement that posts transfers (distinct ids): opens missing accounts, inserts each transfer
 * whose id is new, and the entries of those only. It returns the id of each transfer it posted; an
 * id already posted (a replay) returns no row. The balance trigger runs when its transaction
 * commits (its own, when it runs outside one). One text for any number of transfers.
 */
export function transferStatement(transfers: TransferDraft[]): { sql: string; params: unknown[] } {
  transfers.forEach(assertBalanced);
  if (new Set(transfers.map((t) => t.id)).size !== transfers.length) throw new Error('transferStatement: the same transfer id twice in one statement');
  const accounts = [...new Map(transfers.flatMap((t) => t.entries.map((e) => [e.account.id, e.account] as const))).values()];
  const entries = transfers.flatMap((t) => t.entries.map((e) => ({ transferId: t.id, ...e })));
  return {
    sql: `WITH acc AS (
       INSERT INTO accounts (id, kind, owner, currency)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ON CONFLICT (id) DO NOTHING),
     t AS (INSERT INTO transfers (id, order_id) SELECT * FROM unnest($5::text[], $6::text[]) ON CONFLICT (id) DO NOTHING RETURNING id),
     e AS (
       INSERT INTO entries (transfer_id, account_id, amount, currency)
       SELECT x.transfer_id, x.account_id, x.amount, x.currency
       FROM unnest($7::text[], $8::text[], $9::bigint[], $10::text[]) WITH ORDINALITY AS x(transfer_id, account_id, amount, currency, n)
       WHERE x.transfer_id IN (SELECT id FROM t)
       ORDER BY x.n RETURNING 1)
     SELECT id FROM t`,
    params: [
      accounts.map((a) => a.id), accounts.map((a) => a.kind), accounts.map((a) => a.owner), accounts.map((a) => a.currency),
      transfers.map((t) => t.id), transfers.map((t) => t.orderId),
      entries.map((e) => e.transferId), entries.map((e) => e.account.id), entries.map((e) => e.amount.toString()), entries.map((e) => e.account.currency),
    ],
  };
}

/** Posts a transfer (see `transferStatement`); false when the id was already posted. */
export async function postTransfer(em: Pick<EntityManager, 'query'>, t: TransferDraft): Promise<boolean> {
  const { sql, params } = transferStatement([t]);
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
