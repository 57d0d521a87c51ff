import { buyAndDeliver, orderReaches } from './support/checkout';
import { startE2eStack, stopE2eStack, STACK_BOOT_TIMEOUT_MS, type E2eStack } from './support/e2e-stack';
import { startSse } from './support/sse';

// The dispute window after delivery is 3 days in production; here 2 s, swept every 300 ms.
describe('a delivered order completes when its dispute window has passed', () => {
  let e2e: E2eStack;

  beforeAll(async () => {
    e2e = await startE2eStack('completion', { serviceEnv: { orders: { ORDER_COMPLETE_AFTER_SECONDS: '2', COMPLETE_SWEEP_MS: '300' } } });
  }, STACK_BOOT_TIMEOUT_MS);

  afterAll(() => stopE2eStack(e2e), 60_000);

  it('becomes completed once, the buyer sees it live, and the keys stay readable', async () => {
    const { order, delivered } = await buyAndDeliver(e2e.stack, e2e.sellers[0].products[0], 1);
    const sse = startSse(`${e2e.stack.gateway}/api/v1/orders/${order.id}/events?token=${encodeURIComponent(order.accessToken)}`,
      (ev) => ev.some((e) => e.event === 'status' && e.data.status === 'completed'));
    await sse.ready;
    const completed = await orderReaches(e2e.stack.gateway, order, 'completed', 20_000);
    expect(completed.keys).toEqual(delivered.keys);
    const events = await sse.done;
    expect(events.filter((e) => e.event === 'status' && e.data.status === 'completed')).toHaveLength(1);
  }, 60_000);
});
