import { randomBytes } from 'node:crypto';
import { eventually, request } from './http';

export interface Money {
  minor: number;
  currency: string;
}
export interface PlacedOrder {
  id: string;
  accessToken: string;
  status: string;
  total: Money;
  productId: string;
  quantity: number;
}
export interface StartedPayment {
  attemptId: string;
  channel: string;
  status: string;
  merchantReference: string;
  nextAction: { type: string; qrContent: string; imageUrl?: string; url?: string };
  failure?: { code: string; cause: string; remedy: string; alternatives: string[]; localized: Record<string, { cause: string; remedy: string }> };
  /** `X-Trace-Id` of the response that started the payment. */
  traceId: string;
}
export interface SandboxPayment {
  provider: string;
  state: string;
  providerReference: string;
  notifications: { id: string; status: string; attempts: number; acknowledged: boolean }[];
}

export const buyerEmail = () => `buyer-${randomBytes(4).toString('hex')}@example.com`;

/** Alipay wants yuan with two decimals; integer arithmetic only. */
export const yuan = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

export async function placeOrder(gateway: string, productId: string, quantity: number): Promise<PlacedOrder> {
  const r = await request(gateway, 'POST', '/api/v1/orders', { body: { productId, quantity, email: buyerEmail() } });
  if (r.status !== 201) throw new Error(`placing an order failed: ${r.status} ${r.text}`);
  return r.body;
}

/** Starts paying `order` through `channel` (a decline comes back as `failure`, still a 201). */
export async function startPayment(gateway: string, order: PlacedOrder, channel: string, body: { device?: string } = {}): Promise<StartedPayment> {
  const r = await request(gateway, 'POST', `/api/v1/orders/${order.id}/payments`, { token: order.accessToken, body: { channel, ...body } });
  if (r.status !== 201) throw new Error(`starting a ${channel} payment failed: ${r.status} ${r.text}`);
  return { ...r.body, traceId: r.headers.get('x-trace-id') ?? '' };
}

export const startAlipay = (gateway: string, order: PlacedOrder) => startPayment(gateway, order, 'alipay');

/**
 * Acts as the buyer in the provider's app (`success`, or `decline` with the provider's own code);
 * on success the sandbox then sends the signed notification.
 */
export async function completeInSandbox(sandbox: string, reference: string, provider = 'alipay', outcome: 'success' | 'decline' | 'abandon' = 'success', reason?: string): Promise<void> {
  const r = await request(sandbox, 'POST', `/control/payments/${provider}/${encodeURIComponent(reference)}/complete`, { body: { outcome, ...(reason ? { reason } : {}) } });
  if (r.status !== 200 && r.status !== 201) throw new Error(`completing ${reference} at the ${provider} sandbox failed: ${r.status} ${r.text}`);
}

export async function sandboxPayments(sandbox: string, merchantReference: string, provider = 'alipay'): Promise<SandboxPayment[]> {
  const r = await request(sandbox, 'GET', `/control/payments?provider=${provider}&merchantReference=${encodeURIComponent(merchantReference)}`);
  return r.body.items;
}

/** Resolves once the sandbox (as the provider) holds the payment in `state`, e.g. `TRADE_CLOSED`. */
export function tradeReaches(sandbox: string, merchantReference: string, state: string, provider = 'alipay'): Promise<SandboxPayment> {
  return eventually(`trade ${merchantReference} to be ${state} at the provider`, async () => {
    const [p] = await sandboxPayments(sandbox, merchantReference, provider);
    return p?.state === state ? p : undefined;
  });
}

/** Resolves once the adapter has acknowledged the sandbox's notification by the provider's rule. */
export function notifyAcknowledged(sandbox: string, merchantReference: string, provider = 'alipay'): Promise<SandboxPayment> {
  return eventually(`the notify for ${merchantReference} to be acknowledged`, async () => {
    const [p] = await sandboxPayments(sandbox, merchantReference, provider);
    return p?.notifications.some((n) => n.acknowledged) ? p : undefined;
  });
}

export async function getOrder(gateway: string, order: PlacedOrder) {
  return request(gateway, 'GET', `/api/v1/orders/${order.id}`, { token: order.accessToken });
}

export function orderReaches(gateway: string, order: PlacedOrder, status: string, timeoutMs?: number) {
  return eventually(`order ${order.id} to be ${status}`, async () => {
    const r = await getOrder(gateway, order);
    return r.status === 200 && r.body.status === status ? r.body : undefined;
  }, timeoutMs);
}

/** The README walk-through in one call: order, pay with Alipay, the buyer pays, wait for delivery. */
export async function buyAndDeliver(stack: { gateway: string; sandbox: string }, productId: string, quantity: number) {
  const order = await placeOrder(stack.gateway, productId, quantity);
  const payment = await startAlipay(stack.gateway, order);
  await completeInSandbox(stack.sandbox, payment.merchantReference);
  const delivered = await orderReaches(stack.gateway, order, 'delivered');
  return { order, payment, delivered };
}
