import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { httpRequest } from '@cardshop/platform';
import { randomBytes } from 'node:crypto';
import type { NotificationPlan } from '../control';
import { ALIPAY_SANDBOX_OPTIONS, type AlipaySandboxOptions } from './alipay-sandbox.options';
import { AlipaySandboxKeys } from './alipay-sandbox.keys';
import { alipaySignString, beijingTime, rsa2Sign } from './alipay-sandbox.wire';
import { AlipayTradeRepository, type AlipayNotificationRecord, type AlipaySandboxTrade } from './alipay-trade.repository';

/** Alipay's redelivery intervals after the first notify (opendocs.alipay.com/open/270/105902). */
export const ALIPAY_NOTIFY_RETRY_MINUTES = [4, 10, 10, 60, 120, 360, 900];

/**
 * Sends trade_status_sync notifications the way Alipay does: form POST, RSA2 over the sorted
 * params minus sign/sign_type, the same notify_id on every redelivery, retried on the schedule
 * (scaled by SANDBOX_TIME_SCALE) until the body is exactly `success`.
 */
@Injectable()
export class AlipayNotifier implements OnApplicationBootstrap, OnModuleDestroy {
  private plan: NotificationPlan = { mode: 'normal' };
  private dropsLeft?: number;
  private held: { trade: AlipaySandboxTrade; record: AlipayNotificationRecord }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly keys: AlipaySandboxKeys,
    private readonly trades: AlipayTradeRepository,
    @Inject(ALIPAY_SANDBOX_OPTIONS) private readonly options: AlipaySandboxOptions,
  ) {}

  /** Notifications a restart interrupted are sent again, as Alipay keeps retrying across its own. */
  onApplicationBootstrap(): void {
    for (const trade of this.trades.list()) {
      for (const record of trade.notifications) {
        if (record.status === 'queued' || record.status === 'sending') void this.attempt(trade, record, Math.min(record.attempts, ALIPAY_NOTIFY_RETRY_MINUTES.length), 1);
      }
    }
  }

  setPlan(plan: NotificationPlan): void {
    this.plan = plan;
    this.dropsLeft = plan.mode === 'drop' ? plan.count : undefined;
    if (plan.mode !== 'reorder') void this.flushHeld();
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
    const record: AlipayNotificationRecord = { notifyId: params.notify_id, tradeStatus: trade.status, params, status: 'queued', attempts: 0 };
    trade.notifications.push(record);
    this.trades.save(trade);
    this.dispatch(trade, record);
  }

  private dispatch(trade: AlipaySandboxTrade, record: AlipayNotificationRecord): void {
    const { mode, count, delayMs } = this.plan;
    if (mode === 'drop') {
      record.status = 'dropped';
      this.trades.save(trade);
      if (this.dropsLeft !== undefined && --this.dropsLeft <= 0) this.setPlan({ mode: 'normal' });
    } else if (mode === 'delay') {
      this.later(delayMs ?? 1000, () => this.attempt(trade, record, 0, 1));
    } else if (mode === 'duplicate') {
      void this.attempt(trade, record, 0, count ?? 2);
    } else if (mode === 'reorder') {
      this.held.push({ trade, record });
      // Never hold one forever: flush after delayMs even if the batch is not full.
      if (this.held.length >= (count ?? 2)) void this.flushHeld();
      else this.later(delayMs ?? 5000, () => this.flushHeld());
    } else {
      void this.attempt(trade, record, 0, 1);
    }
  }

  private async flushHeld(): Promise<void> {
    const batch = this.held.reverse();
    this.held = [];
    for (const { trade, record } of batch) await this.attempt(trade, record, 0, 1);
  }

  private async attempt(trade: AlipaySandboxTrade, record: AlipayNotificationRecord, retry: number, copies: number): Promise<void> {
    if (this.stopped || record.status === 'acknowledged' || !trade.notifyUrl) return;
    record.status = 'sending';
    const acks = await Promise.all(Array.from({ length: copies }, () => this.post(trade.notifyUrl!, record.params)));
    record.attempts += copies;
    if (acks.some(Boolean)) {
      record.status = 'acknowledged';
    } else if (retry >= ALIPAY_NOTIFY_RETRY_MINUTES.length) {
      record.status = 'gave_up';
    } else {
      record.status = 'queued';
      this.later(ALIPAY_NOTIFY_RETRY_MINUTES[retry] * 60_000 * this.options.timeScale, () => this.attempt(trade, record, retry + 1, 1));
    }
    this.trades.save(trade);
  }

  private async post(url: string, params: Record<string, string>): Promise<boolean> {
    try {
      const res = await httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(5000),
      });
      return (await res.text()) === 'success';
    } catch {
      return false;
    }
  }

  private later(ms: number, fn: () => unknown): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      void fn();
    }, ms);
    this.timers.add(t);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
