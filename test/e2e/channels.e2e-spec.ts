import { randomBytes } from 'node:crypto';
import { completeInSandbox, notifyAcknowledged, orderReaches, placeOrder, sandboxPayments, startPayment, type PlacedOrder, type StartedPayment } from './support/checkout';
import { startE2eStack, stopE2eStack, STACK_BOOT_TIMEOUT_MS, type E2eStack } from './support/e2e-stack';
import { eventually, request } from './support/http';
import { PlatformDb } from './support/platform-db';
import { createProduct, createSeller, importKeys, type Seller } from './support/seller';

/**
 * Every channel, end to end through the public API, the adapter's real protocol and the
 * simulated provider: paid and delivered; a decline explained; a dropped notification recovered
 * by polling; duplicated and reordered notifications applied once; a refund at the provider and
 * in the ledger.
 */
interface ChannelCase {
  channel: string;
  /** The simulated provider's name at the control API. */
  provider: string;
  /**
   * How the buyer's payment fails at the provider (a decline in the provider's own code, or the
   * buyer walking away), and the unified code it must come out as. Alipay never reports a buyer's
   * failure inside its app (the trade stays WAIT_BUYER_PAY), but it does notify TRADE_CLOSED.
   */
  decline: { outcome: 'decline' | 'abandon'; reason?: string; code: string };
  /** The sandbox's state of a payment refunded in full. */
  refundedState: RegExp;
}

const CASES: ChannelCase[] = [
  { channel: 'alipay', provider: 'alipay', decline: { outcome: 'abandon', code: 'expired' }, refundedState: /^TRADE_CLOSED$/ },
  { channel: 'wechat_pay', provider: 'wechat_pay', decline: { outcome: 'decline', reason: 'NOTENOUGH', code: 'insufficient_funds' }, refundedState: /^REFUND$/ },
  { channel: 'unionpay', provider: 'unionpay', decline: { outcome: 'decline', reason: '38', code: 'risk_rejected' }, refundedState: /refund/i },
  { channel: 'epay:alipay', provider: 'epay', decline: { outcome: 'decline', reason: 'BALANCE_NOT_ENOUGH', code: 'insufficient_funds' }, refundedState: /refund/i },
  // Served by the second aggregator merchant of the same adapter.
  { channel: 'epay:qqpay', provider: 'epay', decline: { outcome: 'decline', reason: 'RISK_REJECTED', code: 'risk_rejected' }, refundedState: /refund/i },
];

const key = () => `CH-${randomBytes(6).toString('hex').toUpperCase()}`;

describe('every channel end to end', () => {
  let e2e: E2eStack;
  let db: PlatformDb;
  let gateway: string;
  let sandbox: string;
  let seller: Seller;
  let productId: string;

  const plan = async (provider: string, mode: string, count?: number) => {
    const r = await request(sandbox, 'POST', '/control/notifications', { body: { provider, mode, ...(count ? { count } : {}) } });
    expect(r.status).toBeLessThan(300);
  };
  const refund = (order: PlacedOrder, reason: string) =>
    request(gateway, 'POST', `/api/v1/ops/orders/${order.id}/refund`, { token: e2e.stack.opsToken, body: { reason }, headers: { 'x-ops-actor': 'e2e@ops.example' } });

  async function pay(c: ChannelCase): Promise<{ order: PlacedOrder; payment: StartedPayment }> {
    const order = await placeOrder(gateway, productId, 1);
    const payment = await startPayment(gateway, order, c.channel);
    expect(payment.failure).toBeUndefined();
    expect(payment.channel).toBe(c.channel);
    return { order, payment };
  }

  beforeAll(async () => {
    // Polls come 1 s after an attempt starts, then every 2 s (minutes in production).
    e2e = await startE2eStack('channels', { serviceEnv: { payments: { POLL_SCHEDULE_SECONDS: '1,2', POLL_INTERVAL_MS: '300' } } });
    ({ gateway, sandbox } = e2e.stack);
    db = new PlatformDb(e2e.stack.databaseUrl);
    seller = await createSeller(gateway, e2e.stack.opsToken, 'Channels');
    productId = await createProduct(gateway, seller, 'Channel card', 2345);
    await importKeys(gateway, seller, productId, Array.from({ length: 80 }, key));
  }, STACK_BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await db?.close();
    await stopE2eStack(e2e);
  }, 60_000);

  describe.each(CASES)('$channel', (c) => {
    afterEach(() => plan(c.provider, 'normal'));

    it('a checkout is paid and delivered, and the ledger books it once on the channel', async () => {
      const { order, payment } = await pay(c);
      expect(['qr', 'redirect']).toContain(payment.nextAction.type);
      await completeInSandbox(sandbox, payment.merchantReference, c.provider);
      const delivered = await orderReaches(gateway, order, 'delivered');
      expect(delivered.keys).toHaveLength(1);
      expect(delivered.paidChannel).toBe(c.channel);
      expect(await db.deliveries(order.id)).toBe(1);
      expect(await db.paymentTransfersOnceBooked(payment.attemptId)).toBe(1);
      // A sub-channel's ':' becomes '.' inside an account id.
      expect(await db.transferAccounts(order.id)).toContain(`provider_clearing:${c.channel.replace(':', '.')}:CNY`);
    }, 60_000);

    it('with its notifications dropped, the order is still delivered through polling', async () => {
      await plan(c.provider, 'drop', 1);
      const { order, payment } = await pay(c);
      await completeInSandbox(sandbox, payment.merchantReference, c.provider);
      const delivered = await orderReaches(gateway, order, 'delivered', 45_000);
      expect(delivered.keys).toHaveLength(1);
      const [atProvider] = await sandboxPayments(sandbox, payment.merchantReference, c.provider);
      expect(atProvider.notifications.filter((n) => !n.acknowledged).length).toBeGreaterThan(0);
      expect(atProvider.notifications.every((n) => !n.acknowledged)).toBe(true);
      expect(await db.deliveries(order.id)).toBe(1);
      expect(await db.paymentTransfersOnceBooked(payment.attemptId)).toBe(1);
    }, 90_000);

    it('notifications duplicated ×5, then two orders notified newest first, give one delivery and one ledger posting each', async () => {
      await plan(c.provider, 'duplicate', 5);
      const first = await pay(c);
      await completeInSandbox(sandbox, first.payment.merchantReference, c.provider);
      await notifyAcknowledged(sandbox, first.payment.merchantReference, c.provider);
      await plan(c.provider, 'reorder', 2);
      const second = await pay(c);
      const third = await pay(c);
      await completeInSandbox(sandbox, second.payment.merchantReference, c.provider);
      await completeInSandbox(sandbox, third.payment.merchantReference, c.provider);
      for (const { order, payment } of [first, second, third]) {
        const delivered = await orderReaches(gateway, order, 'delivered', 45_000);
        expect(delivered.keys).toHaveLength(1);
        expect(await db.deliveries(order.id)).toBe(1);
        expect(await db.paymentTransfersOnceBooked(payment.attemptId)).toBe(1);
      }
      const copies = await eventually('all 5 copies answered', async () => {
        const [p] = await sandboxPayments(sandbox, first.payment.merchantReference, c.provider);
        const n = p?.notifications.find((x) => x.acknowledged);
        return n && n.attempts >= 5 ? n : undefined;
      });
      expect(copies.attempts).toBeGreaterThanOrEqual(5);
      // Nothing more arrives later: still one of each.
      expect(await db.deliveries(first.order.id)).toBe(1);
      expect(await db.transfersOfOrder(first.order.id)).toBe(1);
    }, 120_000);

    it('a refund reaches the provider and the ledger', async () => {
      const { order, payment } = await pay(c);
      await completeInSandbox(sandbox, payment.merchantReference, c.provider);
      await orderReaches(gateway, order, 'delivered');
      const r = await refund(order, 'e2e: buyer changed their mind');
      expect(r.status).toBe(200);
      await orderReaches(gateway, order, 'refunded');
      const [atProvider] = await sandboxPayments(sandbox, payment.merchantReference, c.provider);
      expect(atProvider.state).toMatch(c.refundedState);
      await eventually('the sale and the refund in the ledger', async () => ((await db.transfersOfOrder(order.id)) === 2 ? true : undefined));
    }, 60_000);
  });

  describe.each(CASES)('$channel declined', (c) => {
    it('a decline shows its cause and remedy in English and Chinese, naming other channels', async () => {
      const { decline } = c;
      const { order, payment } = await pay(c);
      await completeInSandbox(sandbox, payment.merchantReference, c.provider, decline.outcome, decline.reason);
      // Declines are not notified (a poll finds them, as in production); Alipay notifies the closed trade.
      const failed = await eventually(`the ${c.channel} decline to reach the order`, async () => {
        const r = await request(gateway, 'GET', `/api/v1/orders/${order.id}`, { token: order.accessToken });
        return r.body.payment?.status === 'failed' ? r.body.payment : undefined;
      }, 30_000);
      expect(failed.failure.code).toBe(decline.code);
      expect(failed.failure.alternatives.length).toBeGreaterThan(0);
      expect(failed.failure.alternatives).not.toContain(c.channel);
      expect(failed.failure.localized.en.remedy).toMatch(/\S/);
      expect(failed.failure.localized.zh.cause).toMatch(/[\u4e00-\u9fff]/);
      expect(failed.failure.localized.zh.remedy).toMatch(/换用/);
      expect((await request(gateway, 'GET', `/api/v1/orders/${order.id}`, { token: order.accessToken })).body.status).toBe('awaiting_payment');
    }, 60_000);
  });
});
