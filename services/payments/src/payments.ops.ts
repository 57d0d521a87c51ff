import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUuid, OpsRegistry, type OpsSection } from '@cardshop/platform';
import { OPEN_STATES } from './attempt-states';

/**
 * Attempts by channel and state, each channel's success rate over the last hour, the commonest
 * decline codes, waiting attempts with their next poll, refunds, and with `?payment=<attempt id or
 * merchant reference>` everything the providers said about that one payment.
 */
@Injectable()
export class PaymentsOps implements OnModuleInit {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly ops: OpsRegistry) {}

  onModuleInit(): void {
    this.ops.add(this);
  }

  async sections(query: Readonly<Record<string, string>>): Promise<OpsSection[]> {
    const [byChannel, rates, declines, waiting, recent, refunds] = await Promise.all([
      this.db.query(`SELECT channel, count(*) FILTER (WHERE status = ANY($1)) AS open, count(*) FILTER (WHERE status = 'processing') AS processing,
          count(*) FILTER (WHERE status = 'succeeded') AS succeeded, count(*) FILTER (WHERE status = 'failed') AS failed,
          count(*) FILTER (WHERE status = 'cancelled') AS cancelled, count(*) FILTER (WHERE status = 'expired') AS expired,
          count(*) FILTER (WHERE status IN ('refunded', 'partially_refunded')) AS refunded, count(*) AS total
        FROM attempts GROUP BY channel ORDER BY channel`, [OPEN_STATES]),
      // Of the attempts that ended in the last hour, how many took the money (refunded ones did).
      this.db.query(`SELECT channel, count(*) AS ended,
          count(*) FILTER (WHERE status IN ('succeeded', 'refunded', 'partially_refunded')) AS paid,
          round(100.0 * count(*) FILTER (WHERE status IN ('succeeded', 'refunded', 'partially_refunded')) / count(*), 1) || ' %' AS "success rate"
        FROM attempts WHERE created_at > now() - interval '1 hour' AND NOT status = ANY($1) GROUP BY channel ORDER BY channel`, [OPEN_STATES]),
      this.db.query(`SELECT failure->>'code' AS code, channel, count(*) AS attempts, max(created_at) AS latest
        FROM attempts WHERE status = 'failed' AND created_at > now() - interval '1 day' GROUP BY 1, 2 ORDER BY attempts DESC, code LIMIT 10`),
      this.db.query(`SELECT id, order_id, channel, status, created_at, polls, next_poll_at FROM attempts
        WHERE status = ANY($1) ORDER BY next_poll_at NULLS LAST LIMIT 25`, [OPEN_STATES]),
      this.db.query(`SELECT id, order_id, channel, status, amount_minor, currency, merchant_reference, failure->>'code' AS failure, created_at, paid_at
        FROM attempts ORDER BY created_at DESC LIMIT 25`),
      this.db.query(`SELECT id, order_id, status, amount_minor, currency, reason, actor, created_at, completed_at FROM refunds ORDER BY created_at DESC LIMIT 15`),
    ]);
    return [
      { title: 'Attempts by channel and state', kind: 'table', rows: byChannel, empty: 'no attempt yet' },
      { title: 'Success rate per channel, last hour (ended attempts)', kind: 'table', rows: rates, empty: 'no attempt ended in the last hour' },
      { title: 'Top decline codes, last day', kind: 'table', rows: declines, empty: 'no decline in the last day' },
      { title: 'Waiting attempts and their next poll at the provider', kind: 'table', rows: waiting, empty: 'none waiting' },
      ...(query.payment ? await this.payment(query.payment) : [{ title: 'One payment', kind: 'figures' as const, figures: { 'look one up': 'add ?payment=<attempt id or merchant reference> to this page' } }]),
      { title: 'Latest attempts', kind: 'table', rows: recent },
      { title: 'Refunds', kind: 'table', rows: refunds, empty: 'no refund yet' },
    ];
  }

  /** One payment: the attempt, and every provider event and refund recorded for it, oldest first. */
  private async payment(ref: string): Promise<OpsSection[]> {
    const [attempt] = await this.db.query(
      `SELECT id, order_id, channel, provider, merchant_reference, provider_reference, status, amount_minor, currency, failure->>'code' AS failure,
              created_at, paid_at, polls, next_poll_at
       FROM attempts WHERE merchant_reference = $1 OR ($2::boolean AND id = $1::uuid)`,
      [ref, isUuid(ref)],
    );
    if (!attempt) return [{ title: `Payment ${ref}`, kind: 'figures', figures: { found: 'no attempt with this id or merchant reference' } }];
    const [events, refunds] = await Promise.all([
      this.db.query(`SELECT received_at, kind, provider_event_id FROM provider_events WHERE provider = $1 AND merchant_reference = $2 ORDER BY received_at`,
        [attempt.provider, attempt.merchant_reference]),
      this.db.query(`SELECT id, status, amount_minor, currency, reason, actor, created_at, completed_at FROM refunds WHERE attempt_id = $1 ORDER BY created_at`, [attempt.id]),
    ]);
    return [
      { title: `Payment ${attempt.merchant_reference}`, kind: 'figures', figures: Object.fromEntries(Object.entries(attempt).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : String(v ?? '–')])) },
      { title: 'Provider event log of this payment', kind: 'table', rows: events, empty: 'no provider event yet (no notification, no successful poll)' },
      { title: 'Refunds of this payment', kind: 'table', rows: refunds, empty: 'no refund' },
    ];
  }
}
