import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { buyerEmail, completeInSandbox, getOrder, orderReaches, placeOrder, startAlipay } from './support/checkout';
import { startE2eStack, stopE2eStack, STACK_BOOT_TIMEOUT_MS, type E2eStack } from './support/e2e-stack';
import { API_ERROR, eventually, expectClientError, request } from './support/http';
import { parseSse, readToEnd, startSse } from './support/sse';

// The README walk-through, through the public API only.
describe('checkout with Alipay through the public API', () => {
  let e2e: E2eStack;
  let gateway: string;
  let productId: string;
  let price: number;

  beforeAll(async () => {
    e2e = await startE2eStack('checkout');
    gateway = e2e.stack.gateway;
    productId = e2e.sellers[0].products[0];
  }, STACK_BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await stopE2eStack(e2e);
  }, 60_000);

  it('serves its OpenAPI document at /docs-json and the page that browses it at /docs', async () => {
    const doc = await request(gateway, 'GET', '/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.paths['/api/v1/orders/{id}/payments']).toBeDefined();
    const page = await fetch(`${gateway}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
    expect((await fetch(`${gateway}/docs/swagger-ui-bundle.js`)).status).toBe(200);
  });

  it('lists the seeded products with integer prices', async () => {
    const r = await request(gateway, 'GET', '/api/v1/products');
    expect(r.status).toBe(200);
    const product = r.body.items.find((p: { id: string }) => p.id === productId);
    expect(product).toMatchObject({ price: { currency: 'CNY' }, stock: expect.any(Number), sellerId: e2e.sellers[0].id });
    expect(Number.isInteger(product.price.minor)).toBe(true);
    price = product.price.minor;
  });

  it('a paid order is delivered with exactly its quantity of keys, hidden before delivery, announced over SSE and credited to the seller minus the 5 % fee', async () => {
    const quantity = 2;
    const placed = await request(gateway, 'POST', '/api/v1/orders', { body: { productId, quantity, email: buyerEmail() } });
    expect(placed.status).toBe(201);
    const order = placed.body;
    expect(order).toMatchObject({ id: expect.any(String), accessToken: expect.any(String), status: 'awaiting_payment', total: { currency: 'CNY' } });
    expect(Number.isInteger(order.total.minor)).toBe(true);
    expect(order.total.minor).toBe(price * quantity);

    const options = await request(gateway, 'GET', `/api/v1/orders/${order.id}/payment-options`, { token: order.accessToken });
    expect(options.status).toBe(200);
    expect(options.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ channel: 'alipay', recommended: true, amount: order.total })]));

    const sse = startSse(`${gateway}/api/v1/orders/${order.id}/events?token=${encodeURIComponent(order.accessToken)}`, (ev) => ev.some((e) => e.event === 'status' && e.data.status === 'delivered'));
    await sse.ready;

    const payment = await startAlipay(gateway, order);
    expect(payment.nextAction).toMatchObject({ type: 'qr', qrContent: expect.stringMatching(/^https?:\/\//) });
    expect(payment.merchantReference).toEqual(expect.any(String));

    const before = await getOrder(gateway, order);
    expect(before.body.status).toBe('awaiting_payment');
    expect(before.body.keys).toBeUndefined();

    await completeInSandbox(e2e.stack.sandbox, payment.merchantReference);
    const delivered = await orderReaches(gateway, order, 'delivered');
    expect(delivered.keys).toHaveLength(quantity);
    expect(new Set(delivered.keys).size).toBe(quantity);

    const events = await sse.done;
    const statuses = events.filter((e) => e.event === 'status').map((e) => e.data.status);
    expect(statuses[0]).toBe('awaiting_payment');
    expect(statuses[statuses.length - 1]).toBe('delivered');

    // The keys are also emailed to the buyer (dev stacks capture the mail; orders /ops shows it).
    await eventually('the delivery email in the orders mailbox', async () => {
      const ops = await request(e2e.stack.urls.orders, 'GET', '/ops', { token: e2e.stack.opsToken });
      return delivered.keys.every((k: string) => ops.text.includes(k)) ? ops.text : undefined;
    });

    // Settlement books the sale from the payment event, independently of delivery.
    const fee = (order.total.minor * 5) / 100;
    const balances = await eventually('the sale to reach the seller balance', async () => {
      const r = await request(gateway, 'GET', '/api/v1/seller/balance', { token: e2e.sellers[0].apiKey });
      return r.status === 200 && r.body.balances.some((b: { pending: number }) => b.pending > 0) ? r.body.balances : undefined;
    });
    expect(balances).toEqual([expect.objectContaining({ currency: 'CNY', pending: order.total.minor - fee, available: 0 })]);
  });

  it('an event stream opened with until=delivered ends after the delivered event, on a connection the next request reuses; another until is a 400', async () => {
    const order = await placeOrder(gateway, productId, 1);
    const url = `${gateway}/api/v1/orders/${order.id}/events?token=${encodeURIComponent(order.accessToken)}&until=delivered`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const stream = readToEnd(url, agent);
      await stream.opened;
      const payment = await startAlipay(gateway, order);
      await completeInSandbox(e2e.stack.sandbox, payment.merchantReference);
      const live = await stream.done;
      expect(live.status).toBe(200);
      const events = parseSse(live.body);
      expect(events[0]).toEqual({ event: 'status', data: { status: 'awaiting_payment' } });
      expect(events.at(-1)).toEqual({ event: 'delivered', data: { orderId: order.id } });

      // Delivered already: the current status, and the end, on the same connection.
      const again = await readToEnd(url, agent).done;
      expect(again.reusedSocket).toBe(true);
      expect(parseSse(again.body)).toEqual([{ event: 'status', data: { status: 'delivered' } }]);
    } finally {
      agent.destroy();
    }

    const bad = await request(gateway, 'GET', `/api/v1/orders/${order.id}/events?token=${encodeURIComponent(order.accessToken)}&until=paid`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('REQUEST.INVALID');
  });

  it('the same Idempotency-Key with the same body returns the same order; with a different body, 409', async () => {
    const key = `idem-${randomBytes(6).toString('hex')}`;
    const body = { productId, quantity: 1, email: buyerEmail() };
    const first = await request(gateway, 'POST', '/api/v1/orders', { body, headers: { 'idempotency-key': key } });
    const again = await request(gateway, 'POST', '/api/v1/orders', { body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const other = await request(gateway, 'POST', '/api/v1/orders', { body: { ...body, quantity: 2 }, headers: { 'idempotency-key': key } });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject(API_ERROR);
  });

  it('a buyer finds an order by id or email with the query password; a wrong one reveals nothing, and guessing is cut off', async () => {
    const email = buyerEmail();
    const short = await request(gateway, 'POST', '/api/v1/orders', { body: { productId, quantity: 1, email, queryPassword: 'seven77' } });
    expect(short.status).toBe(400);
    const placed = await request(gateway, 'POST', '/api/v1/orders', { body: { productId, quantity: 1, email, queryPassword: 'correct-horse-9' } });
    expect(placed.status).toBe(201);
    const id = placed.body.id;

    const byId = await request(gateway, 'POST', '/api/v1/orders/lookup', { body: { orderId: id, queryPassword: 'correct-horse-9' } });
    expect(byId.status).toBe(200);
    expect(byId.body.items).toEqual([expect.objectContaining({ id, status: 'awaiting_payment', accessToken: expect.any(String) })]);
    expect((await request(gateway, 'GET', `/api/v1/orders/${id}`, { token: byId.body.items[0].accessToken })).status).toBe(200);
    const byEmail = await request(gateway, 'POST', '/api/v1/orders/lookup', { body: { email: email.toUpperCase(), queryPassword: 'correct-horse-9' } });
    expect(byEmail.body.items.map((o: { id: string }) => o.id)).toEqual([id]);

    // A wrong password and an order that does not exist look the same.
    const wrong = await request(gateway, 'POST', '/api/v1/orders/lookup', { body: { orderId: id, queryPassword: 'wrong-horse-9' } });
    const unknown = await request(gateway, 'POST', '/api/v1/orders/lookup', { body: { orderId: '00000000-0000-4000-8000-000000000000', queryPassword: 'wrong-horse-9' } });
    expect([wrong.status, wrong.body]).toEqual([200, { items: [] }]);
    expect([unknown.status, unknown.body]).toEqual([200, { items: [] }]);

    // Five failures for one order, then even the right password is refused for a while.
    for (let i = 0; i < 4; i++) expect((await request(gateway, 'POST', '/api/v1/orders/lookup', { body: { orderId: id, queryPassword: `guess-${i}-horse` } })).body).toEqual({ items: [] });
    const limited = await request(gateway, 'POST', '/api/v1/orders/lookup', { body: { orderId: id, queryPassword: 'correct-horse-9' } });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: 'LOOKUP.RATE_LIMITED' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a wrong access token looks like a missing order (404)', async () => {
    const order = await placeOrder(gateway, productId, 1);
    const r = await request(gateway, 'GET', `/api/v1/orders/${order.id}`, { token: `ot_${randomBytes(24).toString('base64url')}` });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject(API_ERROR);
    const pay = await request(gateway, 'POST', `/api/v1/orders/${order.id}/payments`, { token: 'wrong', body: { channel: 'alipay' } });
    expect(pay.status).toBe(404);
  });

  it.each([
    ['malformed JSON', '{"productId":'],
    ['a JSON array', '[]'],
    ['an empty body', ''],
    ['quantity 0', () => JSON.stringify({ productId, quantity: 0, email: buyerEmail() })],
    ['a fractional quantity', () => JSON.stringify({ productId, quantity: 1.5, email: buyerEmail() })],
    ['a quantity as a string', () => JSON.stringify({ productId, quantity: '2', email: buyerEmail() })],
    ['a quantity above the maximum', () => JSON.stringify({ productId, quantity: 11, email: buyerEmail() })],
    ['an unknown product', () => JSON.stringify({ productId: '00000000-0000-4000-8000-000000000000', quantity: 1, email: buyerEmail() })],
    ['a product id that is not an id', () => JSON.stringify({ productId: 'nope', quantity: 1, email: buyerEmail() })],
    ['a bad email', () => JSON.stringify({ productId, quantity: 1, email: 'not-an-email' })],
    ['an unexpected field', () => JSON.stringify({ productId, quantity: 1, email: buyerEmail(), total: 1 })],
  ])('placing an order with %s is a 4xx with { error: { code, message } }', async (_, raw) => {
    const r = await request(gateway, 'POST', '/api/v1/orders', { raw: typeof raw === 'function' ? raw() : raw, headers: { 'content-type': 'application/json' } });
    expectClientError(r);
    expect(r.body).toMatchObject(API_ERROR);
  });

  it.each([
    ['an unsupported charset', { 'content-type': 'application/json; charset=bogus' }],
    ['an unsupported content-encoding', { 'content-type': 'application/json', 'content-encoding': 'compress' }],
  ])('a body with %s is a 4xx, never a 5xx', async (_, headers) => {
    const r = await request(gateway, 'POST', '/api/v1/orders', { raw: JSON.stringify({ productId, quantity: 1, email: buyerEmail() }), headers });
    expectClientError(r);
    expect(r.body).toMatchObject(API_ERROR);
  });

  it('paying with a malformed body or an unknown channel is a 4xx', async () => {
    const order = await placeOrder(gateway, productId, 1);
    for (const body of [{}, { channel: 'alipay', extra: 1 }, { channel: 'no_such_channel' }]) {
      const r = await request(gateway, 'POST', `/api/v1/orders/${order.id}/payments`, { token: order.accessToken, body });
      expectClientError(r);
      expect(r.body).toMatchObject(API_ERROR);
    }
  });
});
