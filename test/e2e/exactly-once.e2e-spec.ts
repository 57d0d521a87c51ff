import { completeInSandbox, notifyAcknowledged, orderReaches, placeOrder, sandboxPayments, startAlipay } from './support/checkout';
import { startE2eStack, stopE2eStack, STACK_BOOT_TIMEOUT_MS, type E2eStack } from './support/e2e-stack';
import { eventually, request } from './support/http';
import { PlatformDb } from './support/platform-db';
import { randomUUID } from 'node:crypto';
import { connect } from 'nats';
import { Client } from 'pg';
import { CatalogService, encodeMessage, eventSubject, patternOfEvent, patternOfMethod, PaymentSucceededSchema, type SellKeysResponse } from '@cardshop/contracts';
import { protoCodec, RpcRequester } from '@cardshop/messaging';

// A paid order is delivered exactly once, whatever the network or a crash does in between.
describe('exactly-once delivery', () => {
  let e2e: E2eStack;
  let db: PlatformDb;

  beforeAll(async () => {
    e2e = await startE2eStack('once');
    db = new PlatformDb(e2e.stack.databaseUrl);
  }, STACK_BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await db?.close();
    await stopE2eStack(e2e);
  }, 60_000);

  it('orders killed with SIGKILL right after the notify is acknowledged still delivers once, after its restart', async () => {
    const { gateway, sandbox } = e2e.stack;
    const quantity = 3;
    const order = await placeOrder(gateway, e2e.sellers[0].products[1], quantity);
    const payment = await startAlipay(gateway, order);
    // Freeze orders first, so the confirmation certainly reaches it only after the crash.
    e2e.stack.signal('orders', 'SIGSTOP');
    await completeInSandbox(sandbox, payment.merchantReference);
    // The adapter acknowledged only after JetStream stored the event: from here on, it must not be lost.
    await notifyAcknowledged(sandbox, payment.merchantReference);
    expect(await db.orderStatus(order.id)).toBe('awaiting_payment');
    await e2e.stack.kill('orders', 'SIGKILL');
    await e2e.stack.start('orders');

    const delivered = await orderReaches(gateway, order, 'delivered', 90_000);
    expect(delivered.keys).toHaveLength(quantity);
    expect(await db.deliveries(order.id)).toBe(1);
    expect(await db.soldKeys(order.id)).toBe(quantity);
    expect(await db.paymentTransfersOnceBooked(payment.attemptId)).toBe(1);
  }, 180_000);

  it('an order whose payment was recorded but whose keys were not yet sold is delivered when the payment event comes again', async () => {
    const { gateway, sandbox } = e2e.stack;
    const quantity = 2;
    const order = await placeOrder(gateway, e2e.sellers[0].products[0], quantity);
    const payment = await startAlipay(gateway, order);
    // What orders leaves behind when it dies between its two statements: the order marked paid by
    // this attempt, its reserved keys not yet sold, no delivery record.
    const pg = new Client({ connectionString: e2e.stack.databaseUrl });
    await pg.connect();
    try {
      const r = await pg.query(`UPDATE orders.orders SET status = 'paid', paid_at = now(), attempt_id = $2, channel = 'alipay' WHERE id = $1 AND status = 'awaiting_payment'`, [order.id, payment.attemptId]);
      expect(r.rowCount).toBe(1);
    } finally {
      await pg.end();
    }
    expect(await db.soldKeys(order.id)).toBe(0);
    // The provider confirms the payment, so `PaymentSucceeded` reaches orders (again, as far as the order can tell).
    await completeInSandbox(sandbox, payment.merchantReference);

    const delivered = await orderReaches(gateway, order, 'delivered');
    expect(delivered.keys).toHaveLength(quantity);
    expect(await db.deliveries(order.id)).toBe(1);
    expect(await db.soldKeys(order.id)).toBe(quantity);
  }, 60_000);

  it('the catalog sells an order its own reservation, whatever the caller says the order holds, and answers a repeated sale the same', async () => {
    const { gateway, natsUrl, namespace } = e2e.stack;
    const quantity = 2;
    const products = e2e.sellers[1].products;
    const mismatched = await placeOrder(gateway, products[1], quantity);
    const matching = await placeOrder(gateway, products[1], quantity);
    const nc = await connect({ servers: natsUrl });
    try {
      const rpc = new RpcRequester(() => Promise.resolve(nc), namespace, protoCodec('client'), 10_000);
      const sell = (orderId: string, facts: object) => rpc.request<SellKeysResponse>(patternOfMethod(CatalogService.method.sellKeys), { orderId, ...facts });
      const truth = { productId: products[1], sellerId: e2e.sellers[1].id, quantity };
      // Claims that do not match the reservation (another product, seller or quantity) are not believed.
      const wrong = await sell(mismatched.id, { productId: products[0], sellerId: truth.sellerId, quantity: quantity + 1 });
      expect(wrong).toMatchObject(truth);
      expect(await db.soldKeys(mismatched.id)).toBe(quantity);
      const right = await sell(matching.id, truth);
      expect(right).toMatchObject(truth);
      expect(await db.soldKeys(matching.id)).toBe(quantity);
      // Again, with or without the facts: the same answer, nothing more sold.
      expect(await sell(matching.id, truth)).toMatchObject(truth);
      expect(await sell(matching.id, {})).toMatchObject(truth);
      expect(await db.soldKeys(matching.id)).toBe(quantity);
    } finally {
      await nc.close();
    }
  });

  it('a payment created before payments restarted is confirmed and delivered after it (the attempt is read back, not remembered)', async () => {
    const { gateway, sandbox } = e2e.stack;
    const order = await placeOrder(gateway, e2e.sellers[0].products[1], 1);
    const payment = await startAlipay(gateway, order);
    await e2e.stack.kill('payments', 'SIGKILL');
    await e2e.stack.start('payments');
    await completeInSandbox(sandbox, payment.merchantReference);

    const delivered = await orderReaches(gateway, order, 'delivered', 60_000);
    expect(delivered.keys).toHaveLength(1);
    expect(await db.paymentTransfersOnceBooked(payment.attemptId)).toBe(1);
  }, 120_000);

  it('a notify duplicated 5 times delivers the keys once and books one ledger transfer', async () => {
    const { gateway, sandbox } = e2e.stack;
    const quantity = 2;
    const plan = await request(sandbox, 'POST', '/control/notifications', { body: { provider: 'alipay', mode: 'duplicate', count: 5 } });
    expect(plan.status).toBeLessThan(300);
    const order = await placeOrder(gateway, e2e.sellers[1].products[0], quantity);
    const payment = await startAlipay(gateway, order);
    await completeInSandbox(sandbox, payment.merchantReference);

    const delivered = await orderReaches(gateway, order, 'delivered');
    expect(delivered.keys).toHaveLength(quantity);
    // The sandbox answers the record only after all 5 concurrent copies came back, so once it is
    // acknowledged with 5 attempts no late copy can still add a row.
    const answered = await eventually('all 5 copies of the notify to be answered', async () => {
      const [p] = await sandboxPayments(sandbox, payment.merchantReference);
      return p?.notifications.length === 1 && p.notifications[0].acknowledged && p.notifications[0].attempts >= 5 ? p.notifications[0] : undefined;
    });
    expect(answered.attempts).toBe(5);
    expect(await db.deliveries(order.id)).toBe(1);
    expect(await db.paymentTransfersOnceBooked(payment.attemptId)).toBe(1);
    expect(await db.transfersOfOrder(order.id)).toBe(1);
    expect(await db.soldKeys(order.id)).toBe(quantity);
    const seller = await request(gateway, 'GET', `/api/v1/seller/products/${order.productId}`, { token: e2e.sellers[1].apiKey });
    expect(seller.body).toMatchObject({ sold: quantity });
  });

  it('an event a service cannot apply is parked as a dead letter on its ops page, never dropped silently', async () => {
    const { urls, opsToken, natsUrl, namespace } = e2e.stack;
    const eventId = randomUUID();
    const nc = await connect({ servers: natsUrl });
    try {
      const pattern = patternOfEvent(PaymentSucceededSchema);
      const payment = { orderId: randomUUID(), attemptId: randomUUID(), channel: 'alipay', amount: { minorAmount: 100n, currency: 'CNY' }, sellerId: randomUUID(), providerReference: 'x' };
      await nc.jetstream().publish(eventSubject(namespace, pattern), encodeMessage(PaymentSucceededSchema, payment), { msgID: eventId });
    } finally {
      await nc.close();
    }
    const page = await eventually('the dead letter on the orders ops page', async () => {
      const r = await request(urls.orders, 'GET', '/ops', { token: opsToken });
      return r.status === 200 && r.text.includes(eventId) ? r.text : undefined;
    });
    expect(page).toContain('ORDER.NOT_FOUND');
    const seq = Number(new RegExp(`<td>(\\d+)</td><td>[^<]*</td><td>[^<]*</td><td>${eventId}</td>`).exec(page)?.[1]);
    expect(seq).toBeGreaterThan(0);
    // JetStream still remembers the id for its duplicate window: a replay now is refused, not lost.
    const replay = await request(urls.orders, 'POST', `/ops/dead-letters/${seq}/replay`, { token: opsToken });
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('DEAD_LETTER.TOO_SOON');
    expect((await request(urls.orders, 'POST', '/ops/dead-letters/999999999/replay', { token: opsToken })).status).toBe(404);
    expect((await request(urls.orders, 'POST', `/ops/dead-letters/${seq}/replay`, { token: 'wrong-token' })).status).toBe(401);
  });
});
