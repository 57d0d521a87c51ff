import { completeInSandbox, orderReaches, placeOrder, sandboxPayments, startAlipay } from './support/checkout';
import { startE2eStack, stopE2eStack, STACK_BOOT_TIMEOUT_MS, type E2eStack } from './support/e2e-stack';
import { request } from './support/http';
import { PlatformDb } from './support/platform-db';

// Payments asks Alipay about waiting attempts 1 s after they start, then every 2 s (minutes in production).
describe('a payment whose notification never comes', () => {
  let e2e: E2eStack;
  let db: PlatformDb;

  beforeAll(async () => {
    e2e = await startE2eStack('lostnotify', { serviceEnv: { payments: { POLL_SCHEDULE_SECONDS: '1,2', POLL_INTERVAL_MS: '300' } } });
    db = new PlatformDb(e2e.stack.databaseUrl);
  }, STACK_BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await db?.close();
    await stopE2eStack(e2e);
  }, 60_000);

  it('is found by asking Alipay (alipay.trade.query) and the order is delivered once', async () => {
    const { gateway, sandbox } = e2e.stack;
    const drop = await request(sandbox, 'POST', '/control/notifications', { body: { provider: 'alipay', mode: 'drop', count: 1 } });
    expect(drop.status).toBeLessThan(300);
    const order = await placeOrder(gateway, e2e.sellers[0].products[0], 1);
    const payment = await startAlipay(gateway, order);
    await completeInSandbox(sandbox, payment.merchantReference);

    const delivered = await orderReaches(gateway, order, 'delivered', 60_000);
    expect(delivered.keys).toHaveLength(1);
    // No notification was ever acknowledged: the poll found the payment.
    const [atAlipay] = await sandboxPayments(sandbox, payment.merchantReference);
    expect(atAlipay.notifications.map((n) => n.status)).toEqual(['dropped']);
    expect(await db.deliveries(order.id)).toBe(1);
    expect(await db.paymentTransfersOnceBooked(payment.attemptId)).toBe(1);
  }, 120_000);
});
