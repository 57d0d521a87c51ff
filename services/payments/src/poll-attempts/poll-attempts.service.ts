import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import {
  patternOfEvent, PaymentProviderService, ProviderPaymentConfirmedSchema, ProviderPaymentFailedSchema, ProviderStatus, type QueryPaymentResponse,
} from '@cardshop/contracts';
import { eventIdFor, Outbox, TypedRpc } from '@cardshop/messaging';
import { PeriodicService, queryRows } from '@cardshop/platform';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../payments.config';
import { from, OPEN_STATES } from '../attempt-states';

interface Due { id: string; provider: string; merchant_reference: string; polls: number; created_at: Date }

/**
 * Lost notifications: an attempt still waiting for the buyer is asked about at its provider on a
 * schedule (`POLL_SCHEDULE_SECONDS` after it started, then the last step again until the QR has
 * lapsed plus `POLL_GRACE_SECONDS`), so a paid attempt reaches its final state even if no
 * notification ever comes. A success found this way is published as the same
 * `ProviderPaymentConfirmed` a notification would give (the confirmation path dedupes the two).
 * The schedule lives in the attempts table: it survives restarts, and replicas share the work
 * (each due attempt is claimed with SKIP LOCKED).
 */
@Injectable()
export class PollAttempts extends PeriodicService {
  private readonly log = new Logger(PollAttempts.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: Outbox,
    private readonly rpc: TypedRpc,
    @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig,
  ) {
    super('polling attempts', config.POLL_INTERVAL_MS, new Logger(PollAttempts.name));
  }

  protected runOnce(): Promise<number> {
    return this.pollDue();
  }

  /** One pass over due attempts; returns how many were asked about. */
  async pollDue(limit = 20): Promise<number> {
    return this.db.transaction(async (em) => {
      const due = await queryRows<Due>(em,
        `SELECT id, provider, merchant_reference, polls, created_at FROM attempts
         WHERE next_poll_at <= now() AND status = ANY($2)
         ORDER BY next_poll_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit, OPEN_STATES],
      );
      for (const a of due) await this.pollOne(em, a);
      return due.length;
    });
  }

  private async pollOne(em: EntityManager, a: Due): Promise<void> {
    let r: QueryPaymentResponse | undefined;
    try {
      r = await this.rpc.call(PaymentProviderService.method.queryPayment, { provider: a.provider, merchantReference: a.merchant_reference }, { qualifier: a.provider, timeoutMs: this.config.ADAPTER_TIMEOUT_MS });
    } catch (e) {
      this.log.warn({ attemptId: a.id, err: (e as Error).message }, 'asking the provider failed; asking again later');
    }
    if (r?.status === ProviderStatus.SUCCEEDED) {
      await this.outbox.enqueue(em, patternOfEvent(ProviderPaymentConfirmedSchema), create(ProviderPaymentConfirmedSchema, {
        provider: a.provider, merchantReference: a.merchant_reference, providerReference: r.providerReference, amount: r.amount,
        paidAtMs: r.paidAtMs || BigInt(Date.now()), providerEventId: `${a.provider}:query:${a.merchant_reference}:paid`,
      }), { eventId: eventIdFor(`poll-confirmed:${a.id}`) });
      return this.stop(em, a);
    }
    if (r?.status === ProviderStatus.FAILED) {
      await this.outbox.enqueue(em, patternOfEvent(ProviderPaymentFailedSchema), create(ProviderPaymentFailedSchema, {
        provider: a.provider, merchantReference: a.merchant_reference, failure: r.failure,
      }), { eventId: eventIdFor(`poll-failed:${a.id}`) });
      return this.stop(em, a);
    }
    if (r?.status === ProviderStatus.CANCELLED) {
      // Closed unpaid at the provider (its QR lapsed): nothing will come any more.
      await em.query(`UPDATE attempts SET status = 'expired', next_poll_at = NULL, polls = polls + 1 WHERE id = $1 AND status = ANY($2)`, [a.id, from('expired')]);
      return;
    }
    // Still waiting (or not scanned yet, or the provider did not answer): ask again later, until
    // the QR has lapsed and the grace period is over.
    const schedule = this.config.POLL_SCHEDULE_SECONDS;
    const next = schedule[Math.min(a.polls + 1, schedule.length - 1)];
    const giveUpAt = new Date(a.created_at).getTime() + (this.config.PAYMENT_TTL_SECONDS + this.config.POLL_GRACE_SECONDS) * 1000;
    if (Date.now() + next * 1000 > giveUpAt) {
      this.log.warn({ attemptId: a.id, polls: a.polls + 1 }, 'attempt still open at its provider after its time: no more polls');
      return this.stop(em, a);
    }
    await em.query('UPDATE attempts SET next_poll_at = now() + make_interval(secs => $2), polls = polls + 1 WHERE id = $1', [a.id, next]);
  }

  private async stop(em: EntityManager, a: Due): Promise<void> {
    await em.query('UPDATE attempts SET next_poll_at = NULL, polls = polls + 1 WHERE id = $1', [a.id]);
  }
}
