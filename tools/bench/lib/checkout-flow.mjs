// One complete checkout through the public API, timed step by step, as a buyer and the provider would.
import { HttpError, TimeoutError } from './http-client.mjs';

export const STEPS = ['order', 'payment', 'subscribe', 'complete', 'deliveryWait', 'read'];

/** Channels the benchmark can pay through, and the simulated provider that acts as the buyer's wallet. */
export const CHANNEL_PROVIDERS = {
  alipay: 'alipay', wechat_pay: 'wechat_pay', unionpay: 'unionpay',
  'epay:alipay': 'epay', 'epay:wxpay': 'epay', 'epay:qqpay': 'epay', 'epay:bank': 'epay',
};

export class CheckoutError extends Error {
  constructor(kind, step, cause) {
    super(`${step}: ${cause?.message ?? kind}`);
    this.kind = kind;
    this.step = step;
  }
}

const kindOf = (e) => (e instanceof TimeoutError ? 'timeout' : e instanceof HttpError ? `http ${e.status}` : `network ${e.code ?? e.message}`);

/**
 * Runs one checkout and returns `{ steps: { [step]: ms }, totalMs }` or throws CheckoutError.
 * Delivery is awaited on the order's SSE stream, opened before the payment is completed and ended
 * by the gateway after the `delivered` event (`until=delivered`, so its connection serves the next
 * request): that costs the gateway one getOrder call and a few pushed events per checkout, while polling
 * GET /orders/:id would cost an HTTP request, a NATS round trip and a SELECT per poll
 * (several per checkout at any useful polling interval) and would add half an interval of latency.
 */
export async function checkout(client, { gateway, sandbox, productId, quantity, email, timeoutMs, channel = 'alipay' }) {
  const steps = {};
  const t0 = performance.now();
  let mark = t0;
  const step = async (name, fn) => {
    try {
      return await fn();
    } catch (e) {
      throw e instanceof CheckoutError ? e : new CheckoutError(kindOf(e), name, e);
    } finally {
      const now = performance.now();
      steps[name] = now - mark;
      mark = now;
    }
  };

  const order = await step('order', () => client.json('POST', `${gateway}/api/v1/orders`, { body: { productId, quantity, email } }));
  const pay = await step('payment', () => client.json('POST', `${gateway}/api/v1/orders/${order.id}/payments`, { token: order.accessToken, body: { channel } }));
  if (pay.failure) throw new CheckoutError('declined', 'payment', new Error(`${pay.failure.code}: ${pay.failure.cause}`));
  const stream = client.sse(`${gateway}/api/v1/orders/${order.id}/events?token=${encodeURIComponent(order.accessToken)}&until=delivered`);
  try {
    await step('subscribe', () => withTimeout(stream.opened, timeoutMs, 'event stream did not open'));
    await step('complete', () => client.json('POST', `${sandbox}/control/payments/${CHANNEL_PROVIDERS[channel]}/${encodeURIComponent(pay.merchantReference)}/complete`, { body: { outcome: 'success' } }));
    await step('deliveryWait', () => stream.waitFor('delivered', timeoutMs));
  } finally {
    stream.close();
  }
  const read = await step('read', () => client.json('GET', `${gateway}/api/v1/orders/${order.id}`, { token: order.accessToken }));
  if (read.status !== 'delivered' || !Array.isArray(read.keys) || read.keys.length !== quantity) {
    throw new CheckoutError('wrong keys', 'read', new Error(`status ${read.status}, ${read.keys?.length ?? 'no'} keys for quantity ${quantity}`));
  }
  return { steps, totalMs: performance.now() - t0 };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new TimeoutError(`${what} within ${ms} ms`)), ms); }),
  ]);
}
