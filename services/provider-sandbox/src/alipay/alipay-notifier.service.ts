import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { NotificationPlan } from '../control';
import { SandboxNotifier } from '../kit';
import { ALIPAY_SANDBOX_OPTIONS, type AlipaySandboxOptions } from './alipay-sandbox.options';
import { AlipaySandboxKeys } from './alipay-sandbox.keys';
import { alipaySignString, beijingTime, notifyRequest, rsa2Sign } from './alipay-sandbox.wire';
import { AlipayTradeRepository, type AlipaySandboxTrade } from './alipay-trade.repository';

/** Alipay's redelivery intervals after the first notify (opendocs.alipay.com/open/270/105902). */
export const ALIPAY_NOTIFY_RETRY_MINUTES = [4, 10, 10, 60, 120, 360, 900];

/**
 * Builds and signs trade_status_sync notifications the way Alipay does: form POST, RSA2 over the
 * sorted params minus sign/sign_type. Delivery is the sandbox kit's: each notification is built
 * once, so every redelivery carries the same notify_id and bytes, retried on Alipay's schedule
 * (scaled by SANDBOX_TIME_SCALE) until the body is exactly `success`.
 */
@Injectable()
export class AlipayNotifier implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly notifier: SandboxNotifier<AlipaySandboxTrade>;

  constructor(
    private readonly keys: AlipaySandboxKeys,
    trades: AlipayTradeRepository,
    @Inject(ALIPAY_SANDBOX_OPTIONS) options: AlipaySandboxOptions,
  ) {
    this.notifier = new SandboxNotifier(trades, {
      retryScheduleMs: ALIPAY_NOTIFY_RETRY_MINUTES.map((m) => m * 60_000),
      timeScale: options.timeScale,
      // Anything but exactly `success` (`SUCCESS`, `success `, a 200 with another body) is redelivered.
      acknowledged: ({ body }) => body === 'success',
    });
  }

  /** Notifications a restart interrupted are sent again, as Alipay keeps retrying across its own. */
  onApplicationBootstrap(): void {
    this.notifier.resume();
  }

  onModuleDestroy(): void {
    this.notifier.stop();
  }

  setPlan(plan: NotificationPlan): void {
    this.notifier.setPlan(plan);
  }

  notify(trade: AlipaySandboxTrade, fields: Record<string, string>): void {
    if (!trade.notifyUrl) return;
    const params: Record<string, string> = {
      notify_time: beijingTime(),
      notify_type: 'trade_status_sync',
      notify_id: randomBytes(16).toString('hex'),
      app_id: trade.appId,
      charset: 'utf-8',
      version: '1.0',
      sign_type: 'RSA2',
      ...fields,
    };
    params.sign = rsa2Sign(alipaySignString(params, ['sign', 'sign_type']), this.keys.privateKey);
    this.notifier.send(trade, notifyRequest(trade.notifyUrl, params), trade.status, params.notify_id);
  }
}
