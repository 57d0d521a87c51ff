import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'nats';
import { fromBinary } from '@bufbuild/protobuf';
import { contextOfPattern, eventStreamName, eventSubject, LowStockSchema, patternOfEvent } from '@cardshop/contracts';
import { buyerEmail, buyAndDeliver } from './support/checkout';
import { startE2eStack, stopE2eStack, STACK_BOOT_TIMEOUT_MS, type E2eStack } from './support/e2e-stack';
import { API_ERROR, eventually, request } from './support/http';
import { createSeller, productStock, type Seller } from './support/seller';

const key = (p: string) => `${p}-${randomBytes(6).toString('hex').toUpperCase()}`;

describe('consignment sellers', () => {
  let e2e: E2eStack;
  let gateway: string;
  let alice: Seller;
  let bob: Seller;
  let productId: string;

  beforeAll(async () => {
    e2e = await startE2eStack('sellers');
    gateway = e2e.stack.gateway;
    alice = await createSeller(gateway, e2e.stack.opsToken, 'Alice Keys');
    bob = await createSeller(gateway, e2e.stack.opsToken, 'Bob Codes');
  }, STACK_BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await stopE2eStack(e2e);
  }, 60_000);

  const order = (quantity: number, email = buyerEmail()) => request(gateway, 'POST', '/api/v1/orders', { body: { productId, quantity, email } });

  it('lists a product with volume prices, a per-buyer limit and a low-stock alert; buyers see the tiers', async () => {
    const created = await request(gateway, 'POST', '/api/v1/seller/products', {
      token: alice.apiKey,
      body: { title: 'Game card 100', price: { minor: 1000 }, maxQuantity: 10, perBuyerLimit: 4, lowStockThreshold: 3, wholesale: [{ fromQuantity: 3, price: { minor: 800 } }] },
    });
    expect(created.status).toBe(201);
    productId = created.body.id;
    const shown = await request(gateway, 'GET', `/api/v1/products/${productId}`);
    expect(shown.body).toMatchObject({ perBuyerLimit: 4, wholesale: [{ fromQuantity: 3, price: { minor: 800, currency: 'CNY' } }] });

    const bad = await request(gateway, 'POST', '/api/v1/seller/products', { token: alice.apiKey, body: { title: 'x', price: { minor: 1000 }, wholesale: [{ fromQuantity: 3, price: { minor: 1200 } }] } });
    expect([bad.status, bad.body.error?.code]).toEqual([400, 'PRODUCT.INVALID_WHOLESALE']);
  });

  it('imports keys as text lines and as CSV, one batch each, counting duplicates', async () => {
    const lines = [key('T'), key('T'), key('T'), key('T'), key('T')];
    const text = await request(gateway, 'POST', `/api/v1/seller/products/${productId}/keys`, { token: alice.apiKey, body: { text: `${lines.join('\n')}\n\n${lines[0]}\n` } });
    expect(text.body).toMatchObject({ imported: 5, duplicates: 1 });
    const csvKeys = [key('C'), key('C'), key('C')];
    const csv = `note,code\nfirst,${csvKeys[0]}\nsecond,"${csvKeys[1]}"\nthird,${csvKeys[2]}\nagain,${lines[1]}\n`;
    const fromCsv = await request(gateway, 'POST', `/api/v1/seller/products/${productId}/keys`, { token: alice.apiKey, body: { csv, column: 'code' } });
    expect(fromCsv.body).toMatchObject({ imported: 3, duplicates: 1 });

    const batches = await request(gateway, 'GET', `/api/v1/seller/products/${productId}/batches`, { token: alice.apiKey });
    expect(batches.body.items).toEqual([
      expect.objectContaining({ batchId: fromCsv.body.batchId, imported: 3, duplicates: 1, available: 3 }),
      expect.objectContaining({ batchId: text.body.batchId, imported: 5, duplicates: 1, available: 5 }),
    ]);
    expect(await productStock(gateway, alice, productId)).toMatchObject({ stock: 8, reserved: 0, sold: 0 });
  });

  it('prices an order at the volume tier it reaches and holds a buyer to the per-buyer limit', async () => {
    const email = buyerEmail();
    const three = await order(3, email);
    expect([three.status, three.body.total]).toEqual([201, { minor: 2400, currency: 'CNY' }]);
    const tooMany = await order(2, email.toUpperCase());
    expect([tooMany.status, tooMany.body.error?.code]).toEqual([409, 'ORDER.BUYER_LIMIT_REACHED']);
    expect(tooMany.body).toMatchObject(API_ERROR);
    const one = await order(1, email);
    expect([one.status, one.body.total]).toEqual([201, { minor: 1000, currency: 'CNY' }]);
    // The refused order gave its keys back at once.
    expect(await productStock(gateway, alice, productId)).toMatchObject({ stock: 4, reserved: 4 });
  });

  it('tells the seller when stock drops below the threshold, on the catalog dashboard and as a LowStock event', async () => {
    expect((await order(2)).status).toBe(201);
    const nc = await connect({ servers: e2e.stack.natsUrl });
    try {
      const pattern = patternOfEvent(LowStockSchema);
      const jsm = await nc.jetstreamManager();
      const msg = await eventually('the LowStock event', () =>
        jsm.streams.getMessage(eventStreamName(e2e.stack.namespace, contextOfPattern(pattern)), { last_by_subj: eventSubject(e2e.stack.namespace, pattern) }).catch(() => undefined));
      expect(fromBinary(LowStockSchema, msg.data)).toMatchObject({ productId, sellerId: alice.id, available: 2, threshold: 3 });
    } finally {
      await nc.close();
    }
    const ops = await request(e2e.stack.urls.catalog, 'GET', '/ops', { token: e2e.stack.opsToken });
    expect(ops.text).toContain('Low stock');
    expect(ops.text).toContain('Game card 100');
  });

  it('withdraws the unsold keys of a batch; keys held by orders stay with them', async () => {
    const batches = (await request(gateway, 'GET', `/api/v1/seller/products/${productId}/batches`, { token: alice.apiKey })).body.items;
    const textBatch = batches[1];
    const r = await request(gateway, 'DELETE', `/api/v1/seller/products/${productId}/batches/${textBatch.batchId}`, { token: alice.apiKey });
    expect(r.status).toBe(200);
    expect(r.body.withdrawn + r.body.reserved + r.body.sold).toBe(5);
    expect(r.body.reserved).toBeGreaterThan(0);
    const after = (await request(gateway, 'GET', `/api/v1/seller/products/${productId}/batches`, { token: alice.apiKey })).body.items[1];
    expect(after).toMatchObject({ available: 0, withdrawn: r.body.withdrawn });
  });

  it('keeps sellers apart: another seller cannot change, stock, read or withdraw what is not theirs', async () => {
    const asBob = (method: string, path: string, body?: unknown) => request(gateway, method, path, { token: bob.apiKey, body });
    const tries = await Promise.all([
      asBob('POST', `/api/v1/seller/products/${productId}/keys`, { keys: [key('BOB')] }),
      asBob('GET', `/api/v1/seller/products/${productId}`),
      asBob('PATCH', `/api/v1/seller/products/${productId}`, { price: { minor: 1 } }),
      asBob('DELETE', `/api/v1/seller/products/${productId}`),
      asBob('GET', `/api/v1/seller/products/${productId}/batches`),
    ]);
    expect(tries.map((t) => t.status)).toEqual([404, 404, 404, 404, 404]);
    expect((await request(gateway, 'GET', `/api/v1/products/${productId}`)).body.price.minor).toBe(1000);
    expect((await request(gateway, 'GET', '/api/v1/seller/products/x', { token: 'sk_not-a-key' })).status).toBe(401);
  });

  it('updates and unlists a product: an unlisted product takes no orders and leaves the storefront', async () => {
    const patched = await request(gateway, 'PATCH', `/api/v1/seller/products/${productId}`, { token: alice.apiKey, body: { price: { minor: 1100 }, title: 'Game card 100 (new)' } });
    expect(patched.body).toMatchObject({ title: 'Game card 100 (new)', price: { minor: 1100 }, active: true });
    const unlisted = await request(gateway, 'DELETE', `/api/v1/seller/products/${productId}`, { token: alice.apiKey });
    expect(unlisted.body.active).toBe(false);
    expect((await request(gateway, 'GET', `/api/v1/products/${productId}`)).status).toBe(404);
    expect((await request(gateway, 'GET', '/api/v1/products')).body.items.map((p: { id: string }) => p.id)).not.toContain(productId);
    expect((await order(1)).status).toBe(404);
    const relisted = await request(gateway, 'PATCH', `/api/v1/seller/products/${productId}`, { token: alice.apiKey, body: { active: true } });
    expect(relisted.body.active).toBe(true);
  });

  it('coupons: percent or fixed off, scoped to a product or the seller, limited in uses; the discount shows on the order', async () => {
    const couponProduct = await request(gateway, 'POST', '/api/v1/seller/products', { token: alice.apiKey, body: { title: 'Coupon card', price: { minor: 1000 } } });
    const pid = couponProduct.body.id;
    await request(gateway, 'POST', `/api/v1/seller/products/${pid}/keys`, { token: alice.apiKey, body: { keys: Array.from({ length: 8 }, () => key('CP')) } });
    const pct = await request(gateway, 'POST', '/api/v1/seller/coupons', { token: alice.apiKey, body: { code: 'save10', percentOff: 10, productId: pid, usageLimit: 2 } });
    expect(pct.status).toBe(201);
    const fixed = await request(gateway, 'POST', '/api/v1/seller/coupons', { token: alice.apiKey, body: { code: 'MINUS3', amountOff: { minor: 300 } } });
    expect(fixed.body).toMatchObject({ code: 'MINUS3', amountOff: { minor: 300, currency: 'CNY' }, productId: null, used: 0 });
    expect((await request(gateway, 'POST', '/api/v1/seller/coupons', { token: alice.apiKey, body: { code: 'SAVE10', percentOff: 5 } })).status).toBe(409);

    const buy = (couponCode: string, quantity = 1, product = pid) => request(gateway, 'POST', '/api/v1/orders', { body: { productId: product, quantity, email: buyerEmail(), couponCode } });
    const first = await buy('SAVE10', 2);
    expect([first.status, first.body.total, first.body.discount, first.body.couponCode]).toEqual([201, { minor: 1800, currency: 'CNY' }, { minor: 200, currency: 'CNY' }, 'save10']);
    expect((await buy('Save10')).status).toBe(201);
    const usedUp = await buy('SAVE10');
    expect([usedUp.status, usedUp.body.error?.code]).toEqual([409, 'COUPON.USED_UP']);
    const wrong = await buy('NOPE');
    expect([wrong.status, wrong.body.error?.code]).toEqual([400, 'COUPON.NOT_APPLICABLE']);
    // A refused coupon reserved nothing.
    expect(await productStock(gateway, alice, pid)).toMatchObject({ stock: 5, reserved: 3 });
    const minus = await buy('minus3');
    expect([minus.status, minus.body.total]).toEqual([201, { minor: 700, currency: 'CNY' }]);
    // Bob's products do not take Alice's coupons.
    const bobProduct = await request(gateway, 'POST', '/api/v1/seller/products', { token: bob.apiKey, body: { title: 'Bob card', price: { minor: 1000 } } });
    await request(gateway, 'POST', `/api/v1/seller/products/${bobProduct.body.id}/keys`, { token: bob.apiKey, body: { keys: [key('BOB')] } });
    expect((await buy('MINUS3', 1, bobProduct.body.id)).body.error?.code).toBe('COUPON.NOT_APPLICABLE');

    const listed = await request(gateway, 'GET', '/api/v1/seller/coupons', { token: alice.apiKey });
    expect(listed.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'save10', percentOff: 10, used: 2, usageLimit: 2 }), expect.objectContaining({ code: 'MINUS3', used: 1 })]));
  });

  it('a product sold only in some countries refuses buyers elsewhere, and asks buyers who do not say', async () => {
    const created = await request(gateway, 'POST', '/api/v1/seller/products', { token: alice.apiKey, body: { title: 'CN only', price: { minor: 600 }, countries: ['CN', 'hk'] } });
    const pid = created.body.id;
    await request(gateway, 'POST', `/api/v1/seller/products/${pid}/keys`, { token: alice.apiKey, body: { keys: [key('CN'), key('CN')] } });
    const buy = (country?: string) => request(gateway, 'POST', '/api/v1/orders', { body: { productId: pid, quantity: 1, email: buyerEmail(), ...(country ? { country } : {}) } });
    const none = await buy();
    expect([none.status, none.body.error?.code]).toEqual([400, 'ORDER.COUNTRY_REQUIRED']);
    const us = await buy('US');
    expect([us.status, us.body.error?.code]).toEqual([403, 'PRODUCT.NOT_SOLD_IN_COUNTRY']);
    expect((await buy('hk')).status).toBe(201);
    expect(await productStock(gateway, alice, pid)).toMatchObject({ stock: 1, reserved: 1 });
  });

  it('a loop key is sold again and again, one per order, until the seller withdraws it', async () => {
    const created = await request(gateway, 'POST', '/api/v1/seller/products', { token: alice.apiKey, body: { title: 'Shared account', price: { minor: 300 } } });
    const pid = created.body.id;
    const code = key('LOOP');
    const imported = await request(gateway, 'POST', `/api/v1/seller/products/${pid}/keys`, { token: alice.apiKey, body: { keys: [code], loop: true } });
    expect(imported.body).toMatchObject({ imported: 1 });
    expect((await request(gateway, 'GET', `/api/v1/products/${pid}`)).body).toMatchObject({ loop: true, stock: 1 });

    const buy = (quantity = 1) => request(gateway, 'POST', '/api/v1/orders', { body: { productId: pid, quantity, email: buyerEmail() } });
    const two = await buy(2);
    expect([two.status, two.body.error?.code]).toEqual([400, 'ORDER.INVALID_QUANTITY']);
    const orders = await Promise.all([buy(), buy(), buy()]);
    expect(orders.map((o) => o.status)).toEqual([201, 201, 201]);
    const first = { ...orders[0].body, productId: pid, quantity: 1 };
    const payment = await request(gateway, 'POST', `/api/v1/orders/${first.id}/payments`, { token: first.accessToken, body: { channel: 'alipay' } });
    await request(e2e.stack.sandbox, 'POST', `/control/payments/alipay/${encodeURIComponent(payment.body.merchantReference)}/complete`, { body: { outcome: 'success' } });
    const delivered = await eventually('the loop order to be delivered', async () => {
      const r = await request(gateway, 'GET', `/api/v1/orders/${first.id}`, { token: first.accessToken });
      return r.body.status === 'delivered' ? r.body : undefined;
    });
    expect(delivered.keys).toEqual([code]);
    expect(await productStock(gateway, alice, pid)).toMatchObject({ stock: 1, reserved: 2, sold: 1 });

    const [batch] = (await request(gateway, 'GET', `/api/v1/seller/products/${pid}/batches`, { token: alice.apiKey })).body.items;
    expect(batch).toMatchObject({ imported: 1, available: 1, sold: 1 });
    expect((await request(gateway, 'DELETE', `/api/v1/seller/products/${pid}/batches/${batch.batchId}`, { token: alice.apiKey })).body.withdrawn).toBe(1);
    expect((await buy()).body.error?.code).toBe('PRODUCT.INSUFFICIENT_STOCK');
  });

  it('rotates the API key: the new key works, the old one stops at once', async () => {
    const old = alice.apiKey;
    expect((await request(gateway, 'GET', `/api/v1/seller/products/${productId}`, { token: old })).status).toBe(200);
    const rotated = await request(gateway, 'POST', '/api/v1/seller/api-key/rotate', { token: old });
    expect(rotated.status).toBe(201);
    alice = { ...alice, apiKey: rotated.body.apiKey };
    expect((await request(gateway, 'GET', `/api/v1/seller/products/${productId}`, { token: old })).status).toBe(401);
    expect((await request(gateway, 'GET', `/api/v1/seller/products/${productId}`, { token: alice.apiKey })).status).toBe(200);
  });

  it('a delivered key: its seller may look at it (audited), another seller may not, and a dump of the catalog schema holds it in no plaintext', async () => {
    const secret = key('DUMPCHECK');
    const dumpProduct = await request(gateway, 'POST', '/api/v1/seller/products', { token: alice.apiKey, body: { title: 'Dump check', price: { minor: 500 } } });
    await request(gateway, 'POST', `/api/v1/seller/products/${dumpProduct.body.id}/keys`, { token: alice.apiKey, body: { keys: [secret] } });
    const delivered = await buyAndDeliver(e2e.stack, dumpProduct.body.id, 1);
    expect(delivered.delivered.keys).toEqual([secret]);
    // The seller may look at the keys of their own order, audited; another seller may not.
    const asSeller = (token: string) => request(gateway, 'GET', `/api/v1/seller/orders/${delivered.order.id}/keys?reason=buyer%20ticket`, { token });
    expect((await asSeller(alice.apiKey)).body.keys).toEqual([secret]);
    expect((await asSeller(bob.apiKey)).status).toBe(404);
    const log = await request(gateway, 'GET', `/api/v1/ops/audit?orderId=${delivered.order.id}`, { token: e2e.stack.opsToken });
    expect(log.body.items).toEqual([expect.objectContaining({ actor: `seller:${alice.id}`, action: 'reveal_keys', reason: 'buyer ticket' })]);
    const dump = execFileSync('pg_dump', ['--dbname', e2e.stack.databaseUrl, '--schema', 'catalog', '--data-only'], { maxBuffer: 256 << 20 }).toString('utf8');
    expect(dump).toContain('card_keys');
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(secret.slice(10));
  }, 120_000);
});
