import type { DataSource } from 'typeorm';
import { messagingEntities } from '@cardshop/messaging';
import { serviceSchema } from '@cardshop/platform/testing';
import { postTransfer, sellerPendingByCurrency, transferStatement } from '../src/ledger/ledger.repository';
import { settlementMigrations } from '../src/app.module';
import { paymentTransfer } from '../src/ledger/payment-transfer';
import { create } from '@bufbuild/protobuf';
import { PaymentSucceededSchema } from '@cardshop/contracts';

const dbs = serviceSchema('settlement_it', { migrations: settlementMigrations, entities: messagingEntities });
let db: DataSource;

const payment = (attemptId: string, minorAmount: bigint) =>
  paymentTransfer(create(PaymentSucceededSchema, { orderId: `o-${attemptId}`, attemptId, channel: 'alipay', sellerId: 'seller-1', amount: { minorAmount, currency: 'CNY' } }), 500);

beforeAll(() => {
  db = dbs[0];
});

describe('ledger (PostgreSQL)', () => {
  it('the database refuses at commit a transfer whose entries do not sum to zero, even when written directly with SQL', async () => {
    const attempt = db.transaction(async (em) => {
      await em.query(`INSERT INTO accounts (id, kind, currency) VALUES ('platform_revenue:CNY', 'platform_revenue', 'CNY'), ('provider_clearing:x:CNY', 'provider_clearing', 'CNY') ON CONFLICT DO NOTHING`);
      await em.query(`INSERT INTO transfers (id) VALUES ('manual:unbalanced')`);
      await em.query(`INSERT INTO entries (transfer_id, account_id, amount, currency) VALUES
        ('manual:unbalanced', 'provider_clearing:x:CNY', 100, 'CNY'), ('manual:unbalanced', 'platform_revenue:CNY', -99, 'CNY')`);
    });
    await expect(attempt).rejects.toThrow(/LEDGER\.UNBALANCED/);
    expect(await db.query(`SELECT 1 FROM transfers WHERE id = 'manual:unbalanced'`)).toHaveLength(0);
  });

  it('entries that balance overall but not per currency are refused at commit', async () => {
    const attempt = db.transaction(async (em) => {
      await em.query(`INSERT INTO accounts (id, kind, currency) VALUES ('platform_revenue:USD', 'platform_revenue', 'USD'), ('provider_clearing:y:CNY', 'provider_clearing', 'CNY') ON CONFLICT DO NOTHING`);
      await em.query(`INSERT INTO transfers (id) VALUES ('manual:cross-currency')`);
      await em.query(`INSERT INTO entries (transfer_id, account_id, amount, currency) VALUES
        ('manual:cross-currency', 'provider_clearing:y:CNY', 100, 'CNY'), ('manual:cross-currency', 'platform_revenue:USD', -100, 'USD')`);
    });
    await expect(attempt).rejects.toThrow(/LEDGER\.UNBALANCED/);
  });

  it('posting the same transfer id twice leaves one transfer and one set of entries', async () => {
    const t = payment('att-twice', 1999n);
    expect(await db.transaction((em) => postTransfer(em, t))).toBe(true);
    expect(await db.transaction((em) => postTransfer(em, t))).toBe(false);
    const [{ transfers, entries }] = await db.query(
      `SELECT (SELECT count(*) FROM transfers WHERE id = $1)::int AS transfers, (SELECT count(*) FROM entries WHERE transfer_id = $1)::int AS entries`, [t.id]);
    expect({ transfers, entries }).toEqual({ transfers: 1, entries: 3 });
  });

  it('concurrent posts of the same transfer id post it once', async () => {
    const t = payment('att-race', 1000n);
    const results = await Promise.all([1, 2, 3].map(() => db.transaction((em) => postTransfer(em, t))));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await db.query(`SELECT 1 FROM entries WHERE transfer_id = $1`, [t.id])).toHaveLength(3);
  });

  it('one statement posts several transfers, each once: an id posted before gets no second set of entries', async () => {
    const fresh = [payment('att-batch-1', 700n), payment('att-batch-2', 300n)];
    const { sql, params } = transferStatement([payment('att-twice', 1999n), ...fresh]);
    const posted: { id: string }[] = await db.query(sql, params);
    expect(posted.map((r) => r.id).sort()).toEqual(fresh.map((t) => t.id).sort());
    const counts: { id: string; entries: number }[] = await db.query(
      `SELECT transfer_id AS id, count(*)::int AS entries FROM entries WHERE transfer_id = ANY($1) GROUP BY transfer_id ORDER BY transfer_id`,
      [['payment:att-twice', ...fresh.map((t) => t.id)]]);
    expect(counts).toEqual([{ id: 'payment:att-batch-1', entries: 3 }, { id: 'payment:att-batch-2', entries: 3 }, { id: 'payment:att-twice', entries: 3 }]);
    expect(() => transferStatement([fresh[0], fresh[0]])).toThrow(/same transfer id twice/);
  });

  it('ledger rows are append-only', async () => {
    await expect(db.query(`UPDATE entries SET amount = amount + 1 WHERE transfer_id = 'payment:att-twice'`)).rejects.toThrow(/APPEND_ONLY/);
    await expect(db.query(`DELETE FROM transfers WHERE id = 'payment:att-twice'`)).rejects.toThrow(/APPEND_ONLY/);
  });

  it("a seller's pending balance is the total less the fee of each payment, and the whole ledger sums to zero", async () => {
    await db.transaction((em) => postTransfer(em, payment('att-third', 31n)));
    // 1999 - 100, 1000 - 50, 700 - 35, 300 - 15, 31 - 2 (1.55 rounds half-up to 2)
    expect(await sellerPendingByCurrency(db, 'seller-1')).toEqual([{ currency: 'CNY', pending: 1899n + 950n + 665n + 285n + 29n }]);
    expect(await db.query(`SELECT currency FROM entries GROUP BY currency HAVING sum(amount) <> 0`)).toEqual([]);
  });
});
