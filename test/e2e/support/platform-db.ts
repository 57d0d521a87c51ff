import { Pool } from 'pg';

/**
 * Read-only looks at each service's own tables, for the invariants the public API cannot show
 * (one delivery record, one ledger transfer, no stored provider event).
 */
export class PlatformDb {
  private readonly pool: Pool;

  constructor(databaseUrl: string) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 2 });
  }

  private async count(sql: string, param: string): Promise<number> {
    const r = await this.pool.query<{ n: string }>(sql, [param]);
    return Number(r.rows[0].n);
  }

  async orderStatus(orderId: string): Promise<string | undefined> {
    const r = await this.pool.query<{ status: string }>('SELECT status FROM orders.orders WHERE id = $1', [orderId]);
    return r.rows[0]?.status;
  }

  deliveries(orderId: string) {
    return this.count('SELECT count(*) AS n FROM orders.deliveries WHERE order_id = $1', orderId);
  }

  soldKeys(orderId: string) {
    return this.count(`SELECT count(*) AS n FROM catalog.card_keys WHERE order_id = $1 AND status = 'sold'`, orderId);
  }

  /** Settlement names the sale's transfer `payment:<attemptId>`. */
  paymentTransfers(attemptId: string) {
    return this.count('SELECT count(*) AS n FROM settlement.transfers WHERE id = $1', `payment:${attemptId}`);
  }

  /** Settlement books the sale from the payment event, independently of delivery: wait for it. */
  async paymentTransfersOnceBooked(attemptId: string): Promise<number> {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const n = await this.paymentTransfers(attemptId);
      if (n > 0 || Date.now() > deadline) return n;
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  transfersOfOrder(orderId: string) {
    return this.count('SELECT count(*) AS n FROM settlement.transfers WHERE order_id = $1', orderId);
  }

  providerEvents(merchantReference: string) {
    return this.count('SELECT count(*) AS n FROM payments.provider_events WHERE merchant_reference = $1', merchantReference);
  }

  /** The ledger accounts a transfer moved money on (their ids name the channel, e.g. `provider_clearing:manual:CNY`). */
  async transferAccounts(orderId: string): Promise<string[]> {
    const r = await this.pool.query<{ account_id: string }>(
      'SELECT e.account_id FROM settlement.entries e JOIN settlement.transfers t ON t.id = e.transfer_id WHERE t.order_id = $1 ORDER BY e.account_id',
      [orderId],
    );
    return r.rows.map((x) => x.account_id);
  }

  /** Runs a statement as an attacker with database access would (for append-only checks). */
  async tryStatement(sql: string): Promise<Error | undefined> {
    try {
      await this.pool.query(sql);
      return undefined;
    } catch (e) {
      return e as Error;
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
