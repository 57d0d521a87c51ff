import { completeInSandbox, orderReaches, placeOrder, startAlipay } from './support/checkout';
import { startE2eStack, stopE2eStack, STACK_BOOT_TIMEOUT_MS, type E2eStack, type ServiceName } from './support/e2e-stack';
import { eventually, request } from './support/http';

const ALONG_THE_CHECKOUT: ServiceName[] = ['api-gateway', 'payments', 'adapter-alipay', 'orders', 'catalog', 'settlement'];

// One trace follows a payment from the HTTP request through every service it touches.
describe('distributed tracing of a checkout', () => {
  let e2e: E2eStack;

  beforeAll(async () => {
    e2e = await startE2eStack('trace');
  }, STACK_BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await stopE2eStack(e2e);
  }, 60_000);

  it('the trace id of POST /orders/:id/payments covers gateway, payments, adapter, orders, catalog and settlement', async () => {
    const { gateway, sandbox, urls, opsToken } = e2e.stack;
    const order = await placeOrder(gateway, e2e.sellers[2].products[0], 1);
    const payment = await startAlipay(gateway, order);
    expect(payment.traceId).toMatch(/^[0-9a-f]{32}$/);
    await completeInSandbox(sandbox, payment.merchantReference);
    await orderReaches(gateway, order, 'delivered');

    for (const service of ALONG_THE_CHECKOUT) {
      const spans = await eventually(`${service} to report spans of trace ${payment.traceId}`, async () => {
        const r = await request(urls[service], 'GET', `/ops/traces/${payment.traceId}`, { token: opsToken });
        return r.status === 200 && r.body.spans.length > 0 ? r.body.spans : undefined;
      });
      expect(spans).toEqual(expect.arrayContaining([expect.objectContaining({ service, traceId: payment.traceId })]));
    }
  });

  it('the trace pages need the ops credential', async () => {
    const r = await request(e2e.stack.urls.payments, 'GET', '/ops/traces/0123456789abcdef0123456789abcdef', { token: 'not-the-ops-token' });
    expect(r.status).toBe(401);
  });
});
