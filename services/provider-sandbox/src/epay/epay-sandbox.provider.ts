import { Injectable, OnModuleInit } from '@nestjs/common';
import { SandboxProviderRegistry, type BuyerOutcome, type NotificationPlan, type SandboxPaymentView, type SandboxProvider, type SentNotification } from '../control';
import { EpayAggregator } from './epay-aggregator.service';
import { EPAY, EPAY_TYPES, type EpaySandboxPayment } from './epay-sandbox.types';

/** The view adds which merchant (pid) and payment type an order has, so tests can see the routing. */
export interface EpayPaymentView extends SandboxPaymentView {
  pid: string;
  type: string;
  /** What was refunded in total, and in how many refunds. */
  refunded: { minor: number; currency: 'CNY'; count: number };
}

/** epay's side of the control API. */
@Injectable()
export class EpaySandboxProvider implements SandboxProvider, OnModuleInit {
  readonly name = EPAY;

  constructor(
    private readonly registry: SandboxProviderRegistry,
    private readonly aggregator: EpayAggregator,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  listPayments(merchantReference?: string): SandboxPaymentView[] {
    return this.aggregator.book.list(merchantReference).map((p) => this.view(p));
  }

  async complete(reference: string, outcome: BuyerOutcome, reason?: string): Promise<SandboxPaymentView> {
    return this.view(this.aggregator.complete(this.aggregator.find(reference), outcome, reason));
  }

  setNotificationPlan(plan: NotificationPlan): void {
    this.aggregator.setPlan(plan);
  }

  keys(baseUrl: string) {
    return { endpoint: `${baseUrl}/epay/`, types: [...EPAY_TYPES], signType: 'MD5' };
  }

  async registerMerchant(pid: string, body: { secret?: string; notifyUrl?: string; publicKey?: string; certificate?: string }, baseUrl: string) {
    const m = await this.aggregator.registerMerchant(pid, body);
    return { pid: m.pid, key: m.key, endpoint: `${baseUrl}/epay/`, types: m.types, ...(m.notifyUrl ? { notifyUrl: m.notifyUrl } : {}) };
  }

  /** The GET notifications sent about an order, exactly as they went out (the signed query is in the URL). */
  sentNotifications(reference: string): SentNotification[] {
    const p = this.aggregator.book.byAnyReference(reference);
    return (p?.notifications ?? []).map((n) => ({ id: n.id, label: n.label, status: n.status, ...(n.probe ? { probe: true } : {}), request: n.request }));
  }

  private view(p: EpaySandboxPayment): EpayPaymentView {
    return {
      provider: EPAY,
      merchantReference: p.merchantReference,
      providerReference: p.id,
      state: p.state,
      amount: { minor: p.moneyMinor, currency: 'CNY' },
      notifications: p.notifications.map((n) => ({ id: n.id, status: n.status, attempts: n.attempts, acknowledged: n.status === 'acknowledged' })),
      pid: p.merchantId,
      type: p.type,
      refunded: { minor: p.refunds.reduce((sum, r) => sum + r.minor, 0), currency: 'CNY', count: p.refunds.length },
    };
  }
}
