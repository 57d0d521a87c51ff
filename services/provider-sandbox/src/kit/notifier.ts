import { httpRequest } from '@cardshop/platform';
import { randomBytes } from 'node:crypto';
import type { NotificationPlan } from '../control';

/** A notification exactly as the provider sends it, so every redelivery is byte-identical. */
export interface OutgoingNotification {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface SandboxNotificationRecord {
  id: string;
  /** What it announces, for people and tests (`TRANSACTION.SUCCESS`, `TRADE_SUCCESS`, `refund`). */
  label: string;
  request: OutgoingNotification;
  status: 'queued' | 'sending' | 'acknowledged' | 'dropped' | 'gave_up' | 'rejected_by_merchant';
  attempts: number;
  /** The HTTP status the merchant answered last (absent when it could not be reached). */
  lastResponseStatus?: number;
  /** A deliberately mis-signed copy (WeChat's signature probes): the merchant must refuse it. */
  probe?: boolean;
}

/** What the notifier needs of a payment: somewhere to keep the records of what it sends. */
export interface NotifiedPayment {
  notifications: SandboxNotificationRecord[];
}

/**
 * Where the notifier's payments live. A PaymentBook is one; so is any provider's own repository,
 * as long as it saves the records with the payment, since that is what a restart resumes from.
 */
export interface NotifiedPayments<P extends NotifiedPayment> {
  save(payment: P): void;
  list(): P[];
}

export interface NotifierOptions {
  /**
   * Waits before each redelivery after the first send, in provider time (ms); its length is the
   * number of redeliveries. Multiplied by `timeScale`.
   */
  retryScheduleMs: number[];
  /** SANDBOX_TIME_SCALE: 0.001 turns a 15-second wait into 15 ms. */
  timeScale: number;
  /** Whether the merchant's answer counts as received, by the provider's own rule. */
  acknowledged(res: { status: number; body: string }): boolean;
  /** How long the provider waits for an answer (UnionPay: 10 s). */
  timeoutMs?: number;
}

/**
 * Delivers one provider's notifications the way providers do: every redelivery identical, retried
 * on the provider's schedule until the merchant acknowledges by the provider's rule, and shaped
 * by the control API's notification plan (drop, duplicate, delay, reorder). Records live on the
 * payment, so a restart resumes what was still being delivered.
 */
export class SandboxNotifier<P extends NotifiedPayment> {
  private plan: NotificationPlan = { mode: 'normal' };
  private dropsLeft?: number;
  private held: { payment: P; record: SandboxNotificationRecord }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly book: NotifiedPayments<P>,
    private readonly options: NotifierOptions,
  ) {}

  setPlan(plan: NotificationPlan): void {
    this.plan = plan;
    this.dropsLeft = plan.mode === 'drop' ? plan.count : undefined;
    if (plan.mode !== 'reorder') void this.flushHeld();
  }

  /**
   * Queues a notification about `payment` and delivers it according to the plan. `id` is the
   * provider's own id for it when the notification carries one (Alipay's notify_id).
   */
  send(payment: P, request: OutgoingNotification, label: string, id = randomBytes(12).toString('hex')): SandboxNotificationRecord {
    const record: SandboxNotificationRecord = { id, label, request, status: 'queued', attempts: 0 };
    payment.notifications.push(record);
    this.book.save(payment);
    this.dispatch(payment, record);
    return record;
  }

  /** Sends a mis-signed copy once, outside the plan and never retried; the merchant must refuse it. */
  probe(payment: P, request: OutgoingNotification, label: string): SandboxNotificationRecord {
    const record: SandboxNotificationRecord = { id: randomBytes(12).toString('hex'), label, request, status: 'sending', attempts: 0, probe: true };
    payment.notifications.push(record);
    this.book.save(payment);
    void this.post(record).then((acked) => {
      record.attempts = 1;
      record.status = acked ? 'acknowledged' : 'rejected_by_merchant';
      this.book.save(payment);
    });
    return record;
  }

  /** Notifications a restart interrupted are sent again, as providers keep retrying across their own. */
  resume(): void {
    for (const payment of this.book.list()) {
      for (const record of payment.notifications) {
        if (!record.probe && (record.status === 'queued' || record.status === 'sending')) {
          void this.attempt(payment, record, Math.min(record.attempts, this.options.retryScheduleMs.length), 1);
        }
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private dispatch(payment: P, record: SandboxNotificationRecord): void {
    const { mode, count, delayMs } = this.plan;
    if (mode === 'drop') {
      record.status = 'dropped';
      this.book.save(payment);
      if (this.dropsLeft !== undefined && --this.dropsLeft <= 0) this.setPlan({ mode: 'normal' });
    } else if (mode === 'delay') {
      this.later(delayMs ?? 1000, () => this.attempt(payment, record, 0, 1));
    } else if (mode === 'duplicate') {
      void this.attempt(payment, record, 0, count ?? 2);
    } else if (mode === 'reorder') {
      this.held.push({ payment, record });
      // Never hold one forever: flush after delayMs even if the batch is not full.
      if (this.held.length >= (count ?? 2)) void this.flushHeld();
      else this.later(delayMs ?? 5000, () => this.flushHeld());
    } else {
      void this.attempt(payment, record, 0, 1);
    }
  }

  private async flushHeld(): Promise<void> {
    const batch = this.held.reverse();
    this.held = [];
    for (const { payment, record } of batch) await this.attempt(payment, record, 0, 1);
  }

  private async attempt(payment: P, record: SandboxNotificationRecord, retry: number, copies: number): Promise<void> {
    if (this.stopped || record.status === 'acknowledged') return;
    record.status = 'sending';
    const acks = await Promise.all(Array.from({ length: copies }, () => this.post(record)));
    record.attempts += copies;
    const schedule = this.options.retryScheduleMs;
    if (acks.some(Boolean)) {
      record.status = 'acknowledged';
    } else if (retry >= schedule.length) {
      record.status = 'gave_up';
    } else {
      record.status = 'queued';
      this.later(schedule[retry] * this.options.timeScale, () => this.attempt(payment, record, retry + 1, 1));
    }
    this.book.save(payment);
  }

  private async post(record: SandboxNotificationRecord): Promise<boolean> {
    const { method, url, headers, body } = record.request;
    try {
      const res = await httpRequest(url, { method, headers, body, signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) });
      const text = await res.text();
      record.lastResponseStatus = res.status;
      return this.options.acknowledged({ status: res.status, body: text });
    } catch {
      record.lastResponseStatus = undefined;
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
}
