import { randomBytes } from 'node:crypto';
import { buyerEmail, completeInSandbox, orderReaches, startAlipay, type PlacedOrder } from './support/checkout';
import { startE2eStack, stopE2eStack, STACK_BOOT_TIMEOUT_MS, type E2eStack } from './support/e2e-stack';
import { API_ERROR, request } from './support/http';
import { createProduct, createSeller, importKeys, productStock } from './support/seller';

const BUYERS = 500;
const KEYS = 50;

describe('a rush on a scarce product', () => {
  let e2e: E2eStack;

  beforeAll(async () => {
    e2e = await startE2eStack('oversell');
  }, STACK_BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await stopE2eStack(e2e);
  }, 60_000);

  it(`${BUYERS} buyers at once for ${KEYS} keys: exactly ${KEYS} orders, all paid and delivered, no key sold twice`, async () => {
    const gateway = e2e.stack.gateway;
    const seller = await createSeller(gateway, e2e.stack.opsToken, 'Rush Seller');
    const productId = await createProduct(gateway, seller, 'Limited drop', 1999, 1);
    const keys = Array.from({ length: KEYS }, (_, i) => `RUSH-${i}-${randomBytes(6).toString('hex')}`);
    expect((await importKeys(gateway, seller, productId, keys)).imported).toBe(KEYS);

    const answers = await Promise.all(
      Array.from({ length: BUYERS }, () => request(gateway, 'POST', '/api/v1/orders', { body: { productId, quantity: 1, email: buyerEmail() } })),
    );
    const placed = answers.filter((r) => r.status === 201).map((r) => ({ ...r.body, productId, quantity: 1 }) as PlacedOrder);
    const refused = answers.filter((r) => r.status !== 201);
    expect(placed).toHaveLength(KEYS);
    // Everyone else is told plainly that it sold out: no 5xx, no timeouts.
    expect(new Set(refused.map((r) => `${r.status} ${r.body?.error?.code}`))).toEqual(new Set(['409 PRODUCT.INSUFFICIENT_STOCK']));
    expect(refused[0].body).toMatchObject(API_ERROR);
    expect(await productStock(gateway, seller, productId)).toMatchObject({ stock: 0, reserved: KEYS, sold: 0 });

    const delivered = await Promise.all(
      placed.map(async (order) => {
        const payment = await startAlipay(gateway, order);
        await completeInSandbox(e2e.stack.sandbox, payment.merchantReference);
        return (await orderReaches(gateway, order, 'delivered', 120_000)).keys as string[];
      }),
    );
    const sold = delivered.flat();
    expect(delivered.every((k) => k.length === 1)).toBe(true);
    expect(new Set(sold).size).toBe(KEYS);
    expect(new Set(sold)).toEqual(new Set(keys));
    expect(await productStock(gateway, seller, productId)).toMatchObject({ stock: 0, reserved: 0, sold: KEYS });
  }, 300_000);
});
