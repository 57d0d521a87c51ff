import { randomUUID } from 'node:crypto';
import type { Money } from '../../money';
import type { PaymentAdapter } from '../payment-adapter.port';
import type { RawWebhookRequest, WebhookContext, WebhookResult } from '../payment-adapter.types';
import type { PaymentStatus } from '../payment-status';

/** The test's handle on the provider (its sandbox), acting as buyer and as network. */
export interface ContractSandbox {
  /** Acts as the buyer for the payment created under our `merchantReference`. */
  complete(merchantReference: string, outcome: 'success' | 'decline' | 'abandon'): Promise<void>;
  /** Waits for the webhook the provider delivered for this reference and returns it as received. */
  receivedWebhook(merchantReference: string): Promise<RawWebhookRequest>;
  /** A copy whose signature was not made with the provider's key. */
  forge(raw: RawWebhookRequest): RawWebhookRequest;
  /** A copy whose amount was changed after the provider signed it. */
  tamperAmount(raw: RawWebhookRequest): RawWebhookRequest;
}

export interface AdapterContractOptions {
  name: string;
  /** Called lazily inside each test, so it may use state set up in the caller's beforeAll. */
  makeAdapter: () => PaymentAdapter | Promise<PaymentAdapter>;
  sandbox: ContractSandbox;
  sampleMoney: Money;
  newReference?: () => string;
  /** What "query before the buyer paid" may answer; providers differ (Alipay: not_found). */
  unpaidQueryStatuses?: PaymentStatus[];
  timeoutMs?: number;
}

const contextFor = (reference: string, amount: Money): WebhookContext => ({
  expectedPayment: async (ref) => (ref === reference ? { merchantReference: reference, amount } : null),
});

function expectRejected(result: WebhookResult, code?: string): void {
  expect(result.kind).toBe('rejected');
  if (result.kind !== 'rejected') return;
  expect(result.status).toBeGreaterThanOrEqual(400);
  expect(result.status).toBeLessThan(500);
  expect(result.reason).toEqual(expect.any(String));
  if (code) expect(result.code).toBe(code);
}

/**
 * Scenarios every payment adapter must pass against its provider sandbox. Each adapter's
 * contract spec calls this once and passes options only where its provider differs.
 */
export function runAdapterContractSuite(opts: AdapterContractOptions): void {
  const ref = opts.newReference ?? (() => `ct${Date.now()}${randomUUID().slice(0, 8)}`);
  const unpaid = opts.unpaidQueryStatuses ?? ['pending', 'not_found'];
  const amount = opts.sampleMoney;
  const timeout = opts.timeoutMs ?? 20_000;

  // As the platform does: the attempt's creation time goes with every later call about it.
  const createdAt = new Map<string, number>();
  const at = (merchantReference: string) => ({ merchantReference, createdAtMs: createdAt.get(merchantReference) });

  async function createdPayment() {
    const adapter = await opts.makeAdapter();
    const merchantReference = ref();
    const createdAtMs = Date.now();
    createdAt.set(merchantReference, createdAtMs);
    const created = await adapter.createPayment({ merchantReference, amount, description: 'contract suite item', createdAtMs });
    return { adapter, merchantReference, created };
  }

  async function paidWebhook() {
    const { adapter, merchantReference } = await createdPayment();
    await opts.sandbox.complete(merchantReference, 'success');
    const raw = await opts.sandbox.receivedWebhook(merchantReference);
    return { adapter, merchantReference, raw };
  }

  describe(`${opts.name} adapter contract`, () => {
    it('declares at least one channel, currency and flow', async () => {
      const caps = (await opts.makeAdapter()).capabilities();
      expect(caps.channels.length).toBeGreaterThan(0);
      expect(caps.currencies).toContain(amount.currency);
      expect(caps.flows.length).toBeGreaterThan(0);
    });

    it('create returns a next action and a pending status', async () => {
      const { created, merchantReference } = await createdPayment();
      expect(['pending', 'requires_action']).toContain(created.status);
      expect(created.merchantReference).toBe(merchantReference);
      expect(created.nextAction).toBeDefined();
    }, timeout);

    it('a query before the buyer pays is pending or not found', async () => {
      const { adapter, merchantReference } = await createdPayment();
      const snap = await adapter.queryPayment({ ...at(merchantReference), amount });
      expect(unpaid).toContain(snap.status);
    }, timeout);

    it('after the buyer pays, a query says succeeded with the same amount', async () => {
      const { adapter, merchantReference } = await createdPayment();
      await opts.sandbox.complete(merchantReference, 'success');
      const snap = await adapter.queryPayment({ ...at(merchantReference), amount });
      expect(snap.status).toBe('succeeded');
      expect(snap.amount).toEqual(amount);
    }, timeout);

    it('a genuine webhook yields a verified payment event with the amount we asked for', async () => {
      const { adapter, merchantReference, raw } = await paidWebhook();
      const result = await adapter.parseWebhook(raw, contextFor(merchantReference, amount));
      expect(result.kind).toBe('payment');
      if (result.kind !== 'payment') return;
      expect(result.event).toMatchObject({ merchantReference, status: 'succeeded', amount });
      expect(result.ack.status).toBe(200);
    }, timeout);

    it('the same webhook delivered twice carries the same event id', async () => {
      const { adapter, merchantReference, raw } = await paidWebhook();
      const ctx = contextFor(merchantReference, amount);
      const [a, b] = [await adapter.parseWebhook(raw, ctx), await adapter.parseWebhook(raw, ctx)];
      expect(a.kind === 'payment' && b.kind === 'payment' && a.event.eventId === b.event.eventId).toBe(true);
    }, timeout);

    it('a forged webhook is rejected with a 4xx', async () => {
      const { adapter, merchantReference, raw } = await paidWebhook();
      expectRejected(await adapter.parseWebhook(opts.sandbox.forge(raw), contextFor(merchantReference, amount)), 'SIGNATURE_INVALID');
    }, timeout);

    it('a webhook whose amount was tampered with after signing is rejected', async () => {
      const { adapter, merchantReference, raw } = await paidWebhook();
      expectRejected(await adapter.parseWebhook(opts.sandbox.tamperAmount(raw), contextFor(merchantReference, amount)));
    }, timeout);

    it('a genuine webhook for another amount than we asked for is rejected before any event', async () => {
      const { adapter, merchantReference, raw } = await paidWebhook();
      const other = { ...amount, minor: amount.minor + 1 };
      expectRejected(await adapter.parseWebhook(raw, contextFor(merchantReference, other)), 'INTEGRITY_MISMATCH');
    }, timeout);

    it('a genuine webhook for a reference we never created is rejected', async () => {
      const { adapter, raw } = await paidWebhook();
      expectRejected(await adapter.parseWebhook(raw, contextFor('someone-else', amount)), 'UNKNOWN_REFERENCE');
    }, timeout);

    it('a malformed webhook is rejected without throwing', async () => {
      const adapter = await opts.makeAdapter();
      const raw = { headers: {}, rawBody: Buffer.from('%%%not a webhook'), contentType: 'text/plain' };
      expectRejected(await adapter.parseWebhook(raw, contextFor('x', amount)));
    });

    it('cancelling an unpaid payment leaves it cancelled', async () => {
      const { adapter, merchantReference } = await createdPayment();
      if (!adapter.capabilities().supportsCancel) return;
      expect((await adapter.cancelPayment(at(merchantReference))).status).toBe('cancelled');
    }, timeout);

    it('a paid payment can be refunded in full, and retrying the refund does not refund twice', async () => {
      const { adapter, merchantReference } = await createdPayment();
      if (!adapter.capabilities().supportsRefund) return;
      await opts.sandbox.complete(merchantReference, 'success');
      const req = { ...at(merchantReference), refundReference: `${merchantReference}-r1`, amount };
      const first = await adapter.refundPayment(req);
      const again = await adapter.refundPayment(req);
      expect(first.status).toBe('succeeded');
      expect(again.status).toBe('succeeded');
      expect(again.refundedTotal ?? amount).toEqual(amount);
    }, timeout);
  });
}
