import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { MerchantRegistry, PaymentBook, providerKeyPair, SANDBOX_TIME_SCALE, SandboxNotifier, SandboxStore, type ProviderKeyPair } from '../kit';
import { WECHAT_PAY_SANDBOX_OPTIONS, type WechatPaySandboxOptions } from './wechat-pay-sandbox.options';
import type { WechatSandboxMerchant, WechatSandboxPayment } from './wechat-pay-sandbox.types';
import { serialOfKey } from './wechat-pay-sandbox.wire';

export const WECHAT_PAY = 'wechat_pay';

/** 15s,15s,30s,3m,10m,20m,30m,30m,30m,60m,3h,3h,3h,6h,6h: WeChat's redeliveries, 24 h 4 min in all. */
export const WECHAT_NOTIFY_RETRY_MS = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600].map((s) => s * 1000);

/**
 * What the simulated WeChat Pay keeps: its platform key pair (and the serial merchants know it
 * by), the registered merchants, the orders, and the notifier delivering about them. All of it
 * comes back after a restart; interrupted deliveries resume.
 */
@Injectable()
export class WechatPaySandboxState implements OnModuleInit, OnModuleDestroy {
  readonly book: PaymentBook<WechatSandboxPayment>;
  readonly merchants: MerchantRegistry<WechatSandboxMerchant>;
  readonly notifier: SandboxNotifier<WechatSandboxPayment>;
  private platform?: ProviderKeyPair & { serial: string };

  constructor(
    private readonly store: SandboxStore,
    @Inject(SANDBOX_TIME_SCALE) timeScale: number,
    @Inject(WECHAT_PAY_SANDBOX_OPTIONS) readonly options: WechatPaySandboxOptions,
  ) {
    this.book = new PaymentBook<WechatSandboxPayment>(WECHAT_PAY, store);
    this.merchants = new MerchantRegistry<WechatSandboxMerchant>(WECHAT_PAY, store, (m) => m.mchid);
    this.notifier = new SandboxNotifier(this.book, {
      retryScheduleMs: WECHAT_NOTIFY_RETRY_MS,
      timeScale,
      // The status decides; a 200 with {"code":"FAIL"} is not redelivered either.
      acknowledged: (res) => res.status === 200 || res.status === 204,
    });
  }

  async onModuleInit(): Promise<void> {
    const pair = await providerKeyPair(this.store, WECHAT_PAY, this.options.privateKeyPem);
    this.platform = { ...pair, serial: serialOfKey(pair.publicKey) };
    await this.merchants.load();
    await this.book.load();
    this.notifier.resume();
  }

  onModuleDestroy(): void {
    this.notifier.stop();
  }

  /** The platform key pair and its serial (`Wechatpay-Serial`). */
  get keys(): ProviderKeyPair & { serial: string } {
    if (!this.platform) throw new Error('WeChat Pay sandbox keys are not loaded yet');
    return this.platform;
  }
}
