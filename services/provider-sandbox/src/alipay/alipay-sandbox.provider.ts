import { Injectable, OnModuleInit } from '@nestjs/common';
import { badRequest } from '@cardshop/platform';
import { SandboxProviderRegistry, type BuyerOutcome, type NotificationPlan, type SandboxPaymentView, type SandboxProvider, type SentNotification } from '../control';
import { AlipayNotifier } from './alipay-notifier.service';
import { AlipaySandboxKeys } from './alipay-sandbox.keys';
import { AlipayTradeLifecycle } from './alipay-trade.lifecycle';
import { AlipayTradeRepository, type AlipaySandboxTrade } from './alipay-trade.repository';

/** Alipay's side of the control API. */
@Injectable()
export class AlipaySandboxProvider implements SandboxProvider, OnModuleInit {
  readonly name = 'alipay';

  constructor(
    private readonly registry: SandboxProviderRegistry,
    private readonly keysStore: AlipaySandboxKeys,
    private readonly trades: AlipayTradeRepository,
    private readonly lifecycle: AlipayTradeLifecycle,
    private readonly notifier: AlipayNotifier,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  listPayments(merchantReference?: string): SandboxPaymentView[] {
    return this.trades.list(merchantReference).map((t) => this.view(this.lifecycle.refresh(t)));
  }

  async complete(reference: string, outcome: BuyerOutcome, reason?: string): Promise<SandboxPaymentView> {
    return this.view(this.lifecycle.complete(this.lifecycle.find(reference), outcome, reason));
  }

  setNotificationPlan(plan: NotificationPlan): void {
    this.notifier.setPlan(plan);
  }

  keys(baseUrl: string) {
    return { endpoint: `${baseUrl}/alipay/gateway.do`, publicKey: this.keysStore.publicKey, signType: 'RSA2' };
  }

  async registerMerchant(appId: string, body: { publicKey?: string; notifyUrl?: string }, baseUrl: string) {
    if (!body.publicKey) throw badRequest('REQUEST.INVALID', 'publicKey: the app public key is required for Alipay');
    await this.keysStore.registerApp(appId, body.publicKey, body.notifyUrl);
    return { appId, alipayPublicKey: this.keysStore.publicKey, endpoint: `${baseUrl}/alipay/gateway.do` };
  }

  sentNotifications(reference: string): SentNotification[] {
    const trade = this.trades.byAnyReference(reference);
    return trade ? notificationsOf(trade).map((n) => ({ id: n.id, label: n.label, status: n.status, request: n.request })) : [];
  }

  private view(t: AlipaySandboxTrade): SandboxPaymentView {
    return {
      provider: 'alipay',
      merchantReference: t.outTradeNo,
      providerReference: t.tradeNo,
      state: t.status,
      amount: { minor: t.totalMinor, currency: 'CNY' },
      notifications: notificationsOf(t).map((n) => ({ id: n.id, status: n.status, attempts: n.attempts, acknowledged: n.status === 'acknowledged' })),
    };
  }
}

/** Every notification about a trade, oldest first: those an older version saved come before the rest. */
const notificationsOf = (t: AlipaySandboxTrade) => [...(t.earlierNotifications ?? []), ...t.notifications];
