import { Injectable, OnModuleInit } from '@nestjs/common';
import { badRequest } from '@cardshop/platform';
import { SandboxProviderRegistry, type BuyerOutcome, type NotificationPlan, type SandboxPaymentView, type SandboxProvider, type SentNotification } from '../control';
import { sentNotificationsOf } from '../kit';
import { UnionPayLedger } from './unionpay-ledger';
import { UnionPaySandboxKeys } from './unionpay-sandbox.keys';
import type { UnionPayTxn } from './unionpay-transaction';

/** UnionPay's side of the control API. */
@Injectable()
export class UnionPaySandboxProvider implements SandboxProvider, OnModuleInit {
  readonly name = 'unionpay';

  constructor(
    private readonly registry: SandboxProviderRegistry,
    private readonly keysStore: UnionPaySandboxKeys,
    private readonly ledger: UnionPayLedger,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  listPayments(merchantReference?: string): SandboxPaymentView[] {
    return this.ledger.book.list(merchantReference).map((t) => this.view(this.ledger.refresh(t)));
  }

  /** `reason` for a decline: a failure respCode from §3.7 (default 64), reported by queryTrans.do as origRespCode. */
  async complete(reference: string, outcome: BuyerOutcome, reason?: string): Promise<SandboxPaymentView> {
    return this.view(this.ledger.complete(this.ledger.findAny(reference), outcome, reason));
  }

  setNotificationPlan(plan: NotificationPlan): void {
    this.ledger.notifier.setPlan(plan);
  }

  keys(baseUrl: string) {
    const { rootCertificate, middleCertificate, signingCertificate } = this.keysStore.ca;
    return { endpoint: `${baseUrl}/unionpay`, rootCertificate, middleCertificate, certificate: signingCertificate, signMethod: '01' };
  }

  /** UnionPay issues the merchant's signing certificate for the public key it sends. */
  async registerMerchant(merId: string, body: { publicKey?: string; notifyUrl?: string }, baseUrl: string) {
    if (!body.publicKey) throw badRequest('REQUEST.INVALID', 'publicKey: the merchant RSA public key is required; UnionPay issues its certificate');
    const { certId, certificate } = await this.keysStore.registerMerchant(merId, body.publicKey, body.notifyUrl);
    const { rootCertificate, middleCertificate } = this.keysStore.ca;
    return { merId, certificate, certId, rootCertificate, middleCertificate, endpoint: `${baseUrl}/unionpay` };
  }

  /** The form POSTs sent about a transaction (by queryId or orderId), byte for byte as they went out. */
  sentNotifications(reference: string): SentNotification[] {
    return sentNotificationsOf(this.ledger.book, reference);
  }

  private view(t: UnionPayTxn): SandboxPaymentView {
    return {
      provider: 'unionpay',
      merchantReference: t.merchantReference,
      providerReference: t.id,
      state: stateOf(t),
      amount: { minor: t.amountMinor, currency: 'CNY' },
      notifications: t.notifications.map((n) => ({ id: n.id, status: n.status, attempts: n.attempts, acknowledged: n.status === 'acknowledged' })),
    };
  }
}

/** pending | success | failed:<respCode> | expired | refunded | partially_refunded; refunds: refund:<state>. */
function stateOf(t: UnionPayTxn): string {
  if (t.txnType === '04') return `refund:${t.state}`;
  if (t.state === 'failed') return `failed:${t.respCode}`;
  if (t.state === 'success' && t.refundedMinor) return t.refundedMinor >= t.amountMinor ? 'refunded' : 'partially_refunded';
  return t.state;
}
