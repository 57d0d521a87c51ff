import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { buyAndDeliver, completeInSandbox, getOrder, orderReaches, placeOrder, sandboxPayments, startAlipay, tradeReaches, type PlacedOrder } from './support/checkout';
import { startE2eStack, stopE2eStack, STACK_BOOT_TIMEOUT_MS, type E2eStack } from './support/e2e-stack';
import { API_ERROR, eventually, request } from './support/http';
import { parseSse, readToEnd, startSse } from './support/sse';
import { PlatformDb } from './support/platform-db';
import { createProduct, createSeller, importKeys, productStock, type Seller } from './support/seller';

const key = () => `OPS-${randomBytes(6).toString('hex').toUpperCase()}`;

describe('ops actions on orders, audited', () => {
  let e2e: E2eStack;
  let gateway: string;
  let seller: Seller;
  let productId: string;
  let db: PlatformDb;

  const act = (order: { id: string }, action: string, body: unknown, actor: string | null = 'mei@ops.example', token = e2e.stack.opsToken) =>
    request(gateway, 'POST', `/api/v1/ops/orders/${order.id}/${action}`, { token, body, headers: actor ? { 'x-ops-actor': actor } : {} });
  const audit = async (order: { id: string }) => (await request(gateway, 'GET', `/api/v1/ops/audit?orderId=${order.id}`, { token: e2e.stack.opsToken })).body.items;

  beforeAll(async () => {
    e2e = await startE2eStack('ops');
    gateway = e2e.stack.gateway;
    db = new PlatformDb(e2e.stack.databaseUrl);
    seller = await createSeller(gateway, e2e.stack.opsToken, 'Ops Actions');
    productId = await createProduct(gateway, seller, 'Ops card', 1500);
    await importKeys(gateway, seller, productId, Array.from({ length: 10 }, key));
  }, STACK_BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await db?.close();
    await stopE2eStack(e2e);
  }, 60_000);

  it('marks an order paid by hand: a reason and an actor are required, the order is delivered, and it shows as manual in the order, the ledger and the audit log', async () => {
    const order = await placeOrder(gateway, productId, 1);
    expect((await act(order, 'mark-paid', { reason: 'bank transfer' }, 'mei', 'not-the-ops-token')).status).toBe(401);
    const noActor = await act(order, 'mark-paid', { reason: 'bank transfer' }, null);
    expect([noActor.status, noActor.body.error?.code]).toEqual([400, 'OPS.ACTOR_REQUIRED']);
    const noReason = await act(order, 'mark-paid', {});
    expect([noReason.status, noReason.body.error?.code]).toEqual([400, 'OPS.REASON_REQUIRED']);

    const marked = await act(order, 'mark-paid', { reason: 'paid by bank transfer, ref 8841' });
    expect(marked.status).toBe(200);
    expect(marked.body.outcome).toMatch(/manual payment .* recorded/);
    const delivered = await orderReaches(gateway, order, 'delivered');
    expect(delivered.keys).toHaveLength(1);
    expect(delivered.paidChannel).toBe('manual');
    await eventually('the manual sale in the ledger', async () => ((await db.transferAccounts(order.id)).includes('provider_clearing:manual:CNY') ? true : undefined));
    expect(await audit(order)).toEqual([expect.objectContaining({ actor: 'mei@ops.example', action: 'mark_paid', reason: 'paid by bank transfer, ref 8841' })]);

    // Marking it paid again changes nothing.
    const again = await act(order, 'mark-paid', { reason: 'double click' });
    expect([again.status, again.body.error?.code]).toEqual([409, 'ORDER.NOT_PAYABLE']);
  });

  it('cancels an unpaid order: its keys go back, and only unpaid orders can be cancelled', async () => {
    const before = (await productStock(gateway, seller, productId)).stock;
    const order = await placeOrder(gateway, productId, 2);
    // A buyer watching the order hears of it, and a stream asked to end on delivery ends.
    const watching = readToEnd(`${gateway}/api/v1/orders/${order.id}/events?token=${encodeURIComponent(order.accessToken)}&until=delivered`, new http.Agent());
    await watching.opened;
    const cancelled = await act(order, 'cancel', { reason: 'buyer asked by phone' });
    expect([cancelled.status, cancelled.body.order.status]).toEqual([200, 'cancelled']);
    expect(parseSse((await watching.done).body)).toEqual([
      { event: 'status', data: { status: 'awaiting_payment' } },
      { event: 'status', data: { status: 'cancelled' } },
    ]);
    await eventually('the keys to return', async () => ((await productStock(gateway, seller, productId)).stock === before ? true : undefined));
    expect((await act(order, 'cancel', { reason: 'again' })).status).toBe(409);
    const pay = await request(gateway, 'POST', `/api/v1/orders/${order.id}/payments`, { token: order.accessToken, body: { channel: 'alipay' } });
    expect([pay.status, pay.body.error?.code]).toEqual([409, 'ORDER.NOT_PAYABLE']);
  });

  it('resends the delivery email and reveals keys to ops, each look audited', async () => {
    const { order, delivered } = await buyAndDeliver(e2e.stack, productId, 1);
    const k = delivered.keys[0] as string;
    const mailsWithKey = async () => {
      const ops = await request(e2e.stack.urls.orders, 'GET', '/ops', { token: e2e.stack.opsToken });
      return ops.text.split(k).length - 1;
    };
    await eventually('the first delivery email', async () => ((await mailsWithKey()) >= 1 ? true : undefined));
    const first = await mailsWithKey();
    const resent = await act(order, 'resend-delivery', {});
    expect([resent.status, resent.body.outcome]).toEqual([200, expect.stringMatching(/^delivery email sent/)]);
    expect(await mailsWithKey()).toBe(first + 1);

    const noActor = await request(gateway, 'GET', `/api/v1/ops/orders/${order.id}/keys`, { token: e2e.stack.opsToken });
    expect(noActor.status).toBe(400);
    const keys = await request(gateway, 'GET', `/api/v1/ops/orders/${order.id}/keys?reason=ticket%20512`, { token: e2e.stack.opsToken, headers: { 'x-ops-actor': 'li@ops.example' } });
    expect(keys.body.keys).toEqual([k]);
    expect((await audit(order)).map((e: { action: string; actor: string }) => `${e.action} ${e.actor}`)).toEqual(['reveal_keys li@ops.example', 'resend_delivery mei@ops.example']);
    const unpaid = await placeOrder(gateway, productId, 1);
    expect((await request(gateway, 'GET', `/api/v1/ops/orders/${unpaid.id}/keys`, { token: e2e.stack.opsToken, headers: { 'x-ops-actor': 'li' } })).status).toBe(409);
  });

  it('refunds a delivered order through Alipay: the order, the ledger and the seller balance follow, once', async () => {
    const { order, payment } = await buyAndDeliver(e2e.stack, productId, 1);
    const sse = startSse(`${gateway}/api/v1/orders/${order.id}/events?token=${encodeURIComponent(order.accessToken)}`, (ev) => ev.some((e) => e.event === 'status' && e.data.status === 'refunded'));
    await sse.ready;
    expect((await act(order, 'refund', {})).body.error?.code).toBe('OPS.REASON_REQUIRED');
    const refunded = await act(order, 'refund', { reason: 'buyer says the key was already used' });
    expect([refunded.status, refunded.body.outcome]).toEqual([200, expect.stringMatching(/^refund ops:.* succeeded \(1500 CNY\)$/)]);
    await orderReaches(gateway, order, 'refunded');
    await sse.done;
    const [atProvider] = await sandboxPayments(e2e.stack.sandbox, payment.merchantReference);
    expect(atProvider.state).toBe('TRADE_CLOSED');
    await eventually('the refund in the ledger', async () => ((await db.transferAccounts(order.id)).length === 6 ? true : undefined));
    // Asked again: the same refund, nothing moves twice.
    const again = await act(order, 'refund', { reason: 'double click' });
    expect(again.status).toBe(409);
    expect(await db.transfersOfOrder(order.id)).toBe(2);
    expect((await audit(order)).map((e: { action: string }) => e.action)).toEqual(['refund', 'refund']);
  });

  it('refunds part of a payment, once per Idempotency-Key, then the rest: partially_refunded, then refunded', async () => {
    const { order } = await buyAndDeliver(e2e.stack, productId, 1);
    const part = (minor: number, key?: string) =>
      request(gateway, 'POST', `/api/v1/ops/orders/${order.id}/refund`, {
        token: e2e.stack.opsToken, body: { reason: 'one key did not work', amount: { minor } }, headers: { 'x-ops-actor': 'mei', ...(key ? { 'idempotency-key': key } : {}) },
      });
    expect((await part(500)).body.error?.code).toBe('OPS.IDEMPOTENCY_KEY_REQUIRED');
    const first = await part(500, `part-${order.id.slice(0, 8)}-a`);
    expect([first.status, first.body.order.status]).toEqual([200, 'delivered']);
    await orderReaches(gateway, order, 'partially_refunded');
    // The same key again: the same refund, no money moves twice.
    expect((await part(500, `part-${order.id.slice(0, 8)}-a`)).status).toBe(200);
    expect((await part(1001, `part-${order.id.slice(0, 8)}-b`)).body.error?.code).toBe('REFUND.EXCEEDS_PAYMENT');
    expect((await part(1000, `part-${order.id.slice(0, 8)}-c`)).status).toBe(200);
    await orderReaches(gateway, order, 'refunded');
    await eventually('the sale and both refunds in the ledger', async () => ((await db.transfersOfOrder(order.id)) === 3 ? true : undefined));
  });

  it('cancelling an order closes its QR at Alipay: the buyer can no longer pay it', async () => {
    const order = await placeOrder(gateway, productId, 1);
    const payment = await startAlipay(gateway, order);
    expect((await act(order, 'cancel', { reason: 'duplicate order' })).status).toBe(200);
    await tradeReaches(e2e.stack.sandbox, payment.merchantReference, 'TRADE_CLOSED');
    const pay = await request(e2e.stack.sandbox, 'POST', `/control/payments/alipay/${encodeURIComponent(payment.merchantReference)}/complete`, { body: { outcome: 'success' } });
    expect(pay.status).toBeGreaterThanOrEqual(400);
    expect((await getOrder(gateway, order)).body.status).toBe('cancelled');
  });

  it('a buyer who paid just before ops cancelled (the notification lost) gets the money back, and the order stays cancelled', async () => {
    await request(e2e.stack.sandbox, 'POST', '/control/notifications', { body: { provider: 'alipay', mode: 'drop', count: 1 } });
    const order = await placeOrder(gateway, productId, 1);
    const payment = await startAlipay(gateway, order);
    await completeInSandbox(e2e.stack.sandbox, payment.merchantReference);
    expect((await act(order, 'cancel', { reason: 'buyer asked to cancel' })).status).toBe(200);
    // Closing it fails (it is paid); payments asks Alipay at once, confirms it, and orders has it refunded.
    await tradeReaches(e2e.stack.sandbox, payment.merchantReference, 'TRADE_CLOSED');
    expect((await getOrder(gateway, order)).body.status).toBe('cancelled');
    await eventually('the sale and its reversal in the ledger', async () => ((await db.transfersOfOrder(order.id)) === 2 ? true : undefined));
    expect((await audit(order)).map((e: { action: string; actor: string }) => `${e.action} ${e.actor}`)).toEqual(['refund_unwanted_payment system', 'cancel mei@ops.example']);
  });

  it('the audit log cannot be edited or trimmed, even with database access', async () => {
    for (const sql of ["UPDATE orders.audit_log SET actor = 'someone else'", 'DELETE FROM orders.audit_log', 'TRUNCATE orders.audit_log']) {
      expect((await db.tryStatement(sql))?.message).toMatch(/append-only/);
    }
    const r = await request(gateway, 'GET', '/api/v1/ops/audit', { token: e2e.stack.opsToken });
    expect(r.body.items.length).toBeGreaterThanOrEqual(3);
    expect(r.body).not.toMatchObject(API_ERROR);
  });

  it('an unknown order or action is a clear 4xx', async () => {
    const ghost = { id: '00000000-0000-4000-8000-000000000000' } as PlacedOrder;
    expect((await act(ghost, 'cancel', { reason: 'x' })).status).toBe(404);
    const order = await placeOrder(gateway, productId, 1);
    expect((await act(order, 'refund-everything', { reason: 'x' })).status).toBe(404);
    expect((await getOrder(gateway, order)).body.status).toBe('awaiting_payment');
  });
});
