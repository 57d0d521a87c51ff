import { randomBytes } from 'node:crypto';
import { buyerEmail, completeInSandbox, orderReaches, placeOrder, sandboxPayments, startAlipay, type PlacedOrder } from './support/checkout';
import { startE2eStack, stopE2eStack, STACK_BOOT_TIMEOUT_MS, type E2eStack } from './support/e2e-stack';
import { eventually, request } from './support/http';
import { createProduct, createSeller, importKeys, productStock, type Seller } from './support/seller';

// Orders live 5 s here, so that expiry happens within a test; Alipay's QR stays payable for its
// whole minute (timeout_express is in minutes), which is how real late payments arise.
const TTL_SECONDS = 5;
const TEST_TIMEOUT_MS = 150_000;
// An order that waits for stock this long is refunded; long enough for the restock test to restock first.
const REFUND_AFTER_SECONDS = 15;
const key = () => `LATE-${randomBytes(6).toString('hex').toUpperCase()}`;

describe('orders paid after they expired', () => {
  let e2e: E2eStack;
  let gateway: string;
  let seller: Seller;

  beforeAll(async () => {
    e2e = await startE2eStack('late', {
      serviceEnv: { orders: { ORDER_TTL_SECONDS: String(TTL_SECONDS), EXPIRY_SWEEP_MS: '200', AWAITING_STOCK_REFUND_AFTER_SECONDS: String(REFUND_AFTER_SECONDS), STOCK_RETRY_MS: '1000' } },
    });
    gateway = e2e.stack.gateway;
    seller = await createSeller(gateway, e2e.stack.opsToken, 'Late Payments');
  }, STACK_BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await stopE2eStack(e2e);
  }, 60_000);

  /** Places an order, opens its Alipay QR, and lets it expire unpaid (its keys go back on the shelf). */
  async function expiredWithLivePayment(productId: string) {
    const order = await placeOrder(gateway, productId, 1);
    const payment = await startAlipay(gateway, order);
    await orderReaches(gateway, order, 'expired', (TTL_SECONDS + 30) * 1000);
    return { order, payment };
  }

  /** Waits for the expired order's keys to be back on the shelf. */
  const stockReturnsTo = (productId: string, stock: number) =>
    eventually('the expired order to give its keys back', async () => ((await productStock(gateway, seller, productId)).stock === stock ? true : undefined));

  const keysOf = async (order: PlacedOrder) => (await orderReaches(gateway, order, 'delivered')).keys as string[];

  it('with keys still on the shelf: the late payment takes them and the order is delivered', async () => {
    const productId = await createProduct(gateway, seller, 'Late with stock');
    await importKeys(gateway, seller, productId, [key(), key()]);
    const { order, payment } = await expiredWithLivePayment(productId);
    await stockReturnsTo(productId, 2);

    await completeInSandbox(e2e.stack.sandbox, payment.merchantReference);
    expect(await keysOf(order)).toHaveLength(1);
    expect(await productStock(gateway, seller, productId)).toMatchObject({ stock: 1, sold: 1, reserved: 0 });
  }, TEST_TIMEOUT_MS);

  it('with no keys left: the order waits in paid_awaiting_stock, keeps its payment, and is delivered when the seller restocks', async () => {
    const productId = await createProduct(gateway, seller, 'Late without stock');
    await importKeys(gateway, seller, productId, [key()]);
    const late = await expiredWithLivePayment(productId);
    await stockReturnsTo(productId, 1);

    // Another buyer takes the only key and pays in time.
    const other = await placeOrder(gateway, productId, 1);
    const otherPayment = await startAlipay(gateway, other);
    await completeInSandbox(e2e.stack.sandbox, otherPayment.merchantReference);
    const otherKeys = await keysOf(other);

    await completeInSandbox(e2e.stack.sandbox, late.payment.merchantReference);
    await orderReaches(gateway, late.order, 'paid_awaiting_stock');
    expect(await productStock(gateway, seller, productId)).toMatchObject({ stock: 0, sold: 1 });

    const restocked = key();
    await importKeys(gateway, seller, productId, [restocked]);
    expect(await keysOf(late.order)).toEqual([restocked]);
    // The other buyer's key stayed theirs.
    expect(await keysOf(other)).toEqual(otherKeys);
    expect(otherKeys).not.toContain(restocked);
  }, TEST_TIMEOUT_MS);

  it('with no keys left and no restock: the waiting order is refunded automatically after the configured wait', async () => {
    const productId = await createProduct(gateway, seller, 'Late, never restocked');
    await importKeys(gateway, seller, productId, [key()]);
    const late = await expiredWithLivePayment(productId);
    await stockReturnsTo(productId, 1);
    const other = await placeOrder(gateway, productId, 1);
    await completeInSandbox(e2e.stack.sandbox, (await startAlipay(gateway, other)).merchantReference);
    await keysOf(other);

    await completeInSandbox(e2e.stack.sandbox, late.payment.merchantReference);
    await orderReaches(gateway, late.order, 'paid_awaiting_stock');
    const refunded = await orderReaches(gateway, late.order, 'refunded', (REFUND_AFTER_SECONDS + 30) * 1000);
    expect(refunded.keys).toBeUndefined();
    const [atProvider] = await sandboxPayments(e2e.stack.sandbox, late.payment.merchantReference);
    expect(atProvider.state).toBe('TRADE_CLOSED');
    const log = await request(gateway, 'GET', `/api/v1/ops/audit?orderId=${late.order.id}`, { token: e2e.stack.opsToken });
    expect(log.body.items).toEqual([expect.objectContaining({ actor: 'system', action: 'auto_refund', outcome: 'refund succeeded' })]);
    // A restock now does not deliver it.
    await importKeys(gateway, seller, productId, [key()]);
    expect((await productStock(gateway, seller, productId)).stock).toBe(1);
  }, TEST_TIMEOUT_MS);

  it('expiry is durable: an order that lapses while orders is down expires when it comes back, and its keys and coupon use return', async () => {
    const productId = await createProduct(gateway, seller, 'Expiry across a restart');
    await importKeys(gateway, seller, productId, [key(), key(), key()]);
    const coupon = await request(gateway, 'POST', '/api/v1/seller/coupons', { token: seller.apiKey, body: { code: 'ONCE', percentOff: 20, usageLimit: 1 } });
    expect(coupon.status).toBe(201);
    const withCoupon = () => request(gateway, 'POST', '/api/v1/orders', { body: { productId, quantity: 2, email: buyerEmail(), couponCode: 'ONCE' } });
    const placed = await withCoupon();
    expect(placed.body.discount).toEqual({ minor: 400, currency: 'CNY' });
    const order = { ...placed.body, productId, quantity: 2 } as PlacedOrder;
    expect(await productStock(gateway, seller, productId)).toMatchObject({ stock: 1, reserved: 2 });
    await e2e.stack.kill('orders');
    try {
      const expiresAt = Date.parse((order as PlacedOrder & { expiresAt: string }).expiresAt);
      await eventually('the order deadline to pass while orders is down', async () => (Date.now() > expiresAt + 500 ? true : undefined));
    } finally {
      await e2e.stack.start('orders');
    }
    await orderReaches(gateway, order, 'expired');
    await eventually('the keys to return to the shelf', async () => {
      const s = await productStock(gateway, seller, productId);
      return s.stock === 3 && s.reserved === 0 ? s : undefined;
    });
    const coupons = await request(gateway, 'GET', '/api/v1/seller/coupons', { token: seller.apiKey });
    expect(coupons.body.items).toEqual([expect.objectContaining({ code: 'ONCE', used: 0 })]);
    expect((await withCoupon()).status).toBe(201);
  }, TEST_TIMEOUT_MS);
});
