import { Injectable, OnModuleInit } from '@nestjs/common';
import { badRequest } from '@cardshop/platform';
import { createHash } from 'node:crypto';
import { SandboxProviderRegistry, type BuyerOutcome, type NotificationPlan, type SandboxPaymentView, type SandboxProvider, type SentNotification } from '../control';
import { WECHAT_PAY, WechatPaySandboxState } from './wechat-pay-sandbox.state';
import type { WechatSandboxMerchant, WechatSandboxPayment } from './wechat-pay-sandbox.types';
import { readCertificate, serialOfKey } from './wechat-pay-sandbox.wire';
import { WechatPayTransactions } from './wechat-pay-transactions.service';

/** The AppID the sandbox binds to a merchant: fixed per mchid, shaped like WeChat's (`wx` + 16 hex). */
const appidOf = (mchid: string) => `wx${createHash('sha256').update(`wechat-sandbox:${mchid}`).digest('hex').slice(0, 16)}`;

/** WeChat Pay's side of the control API. */
@Injectable()
export class WechatPaySandboxProvider implements SandboxProvider, OnModuleInit {
  readonly name = WECHAT_PAY;

  constructor(
    private readonly registry: SandboxProviderRegistry,
    private readonly state: WechatPaySandboxState,
    private readonly transactions: WechatPayTransactions,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  listPayments(merchantReference?: string): SandboxPaymentView[] {
    return this.state.book.list(merchantReference).map((p) => this.view(this.transactions.refresh(p)));
  }

  async complete(reference: string, outcome: BuyerOutcome, reason?: string): Promise<SandboxPaymentView> {
    return this.view(this.transactions.complete(this.transactions.findAny(reference), outcome, reason));
  }

  setNotificationPlan(plan: NotificationPlan): void {
    this.state.notifier.setPlan(plan);
  }

  keys(baseUrl: string) {
    const { publicKey, serial } = this.state.keys;
    return { endpoint: `${baseUrl}/wechat-pay`, publicKey, platformSerial: serial, signType: 'WECHATPAY2-SHA256-RSA2048' };
  }

  /**
   * The merchant platform's console: the merchant API certificate (or its bare public key) and
   * the APIv3 key the merchant set. Answers what the merchant then configures.
   */
  async registerMerchant(mchid: string, body: { publicKey?: string; certificate?: string; secret?: string; notifyUrl?: string }, baseUrl: string) {
    if (!/^[0-9A-Za-z_-]{1,32}$/.test(mchid)) throw badRequest('REQUEST.INVALID', 'mchid: 1–32 letters or digits');
    const cert = body.certificate ? readCertificate(body.certificate) : null;
    if (body.certificate && !cert) throw badRequest('REQUEST.INVALID', 'certificate: not a PEM X.509 certificate');
    let publicKey = cert?.publicKey;
    if (!publicKey) {
      if (!body.publicKey) throw badRequest('REQUEST.INVALID', 'publicKey: the merchant API public key (or certificate) is required for WeChat Pay');
      try {
        serialOfKey(body.publicKey);
      } catch {
        throw badRequest('REQUEST.INVALID', 'publicKey: not a PEM public key');
      }
      publicKey = body.publicKey;
    }
    if (!body.secret || Buffer.byteLength(body.secret, 'utf8') !== 32) throw badRequest('REQUEST.INVALID', 'secret: the APIv3 key must be exactly 32 bytes');
    const merchant: WechatSandboxMerchant = {
      mchid,
      appid: appidOf(mchid),
      publicKey,
      merchantSerial: cert?.serial ?? serialOfKey(publicKey),
      apiV3Key: body.secret,
      ...(body.notifyUrl ? { notifyUrl: body.notifyUrl } : {}),
    };
    await this.state.merchants.save(merchant);
    const { publicKey: platformPublicKey, serial: platformSerial } = this.state.keys;
    return { mchid, appid: merchant.appid, merchantSerial: merchant.merchantSerial, platformSerial, platformPublicKey, endpoint: `${baseUrl}/wechat-pay` };
  }

  /** Notifications about an order exactly as they went out, probes included (marked). */
  sentNotifications(reference: string): SentNotification[] {
    const p = this.state.book.byAnyReference(reference);
    return (p?.notifications ?? []).map((n) => ({ id: n.id, label: n.label, status: n.status, ...(n.probe ? { probe: true } : {}), request: n.request }));
  }

  private view(p: WechatSandboxPayment): SandboxPaymentView {
    return {
      provider: WECHAT_PAY,
      merchantReference: p.merchantReference,
      providerReference: p.id,
      state: p.tradeState,
      amount: { minor: p.totalMinor, currency: 'CNY' },
      notifications: p.notifications.map((n) => ({ id: n.id, status: n.status, attempts: n.attempts, acknowledged: n.status === 'acknowledged' })),
    };
  }
}
