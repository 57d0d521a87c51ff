import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PaymentFailedSchema, PaymentSucceededSchema, patternOfEvent, type PaymentFailed, type PaymentSucceeded } from '@cardshop/contracts';
import { GroupedWrite } from '@cardshop/platform';

interface Outcome { channel: string; succeeded: boolean; orderId: string; attemptId: string }

/**
 * Records how each attempt ended, once: an outcome is unique per attempt and result, so a
 * redelivered event (or the same outcome published again) inserts nothing. The outcomes of the
 * events handled at the same time are inserted by one statement, and each event is acknowledged
 * once that statement is done. The success-rate scoring will learn from these rows.
 */
@Controller()
export class ChannelOutcomesController {
  private readonly outcomes = new GroupedWrite<Outcome>((rows) =>
    // The payment events do not carry the buyer's country yet; it stays NULL until they do.
    this.db.query(
      `INSERT INTO channel_outcomes (channel, country, succeeded, order_id, attempt_id)
       SELECT channel, NULL, succeeded, order_id, attempt_id FROM unnest($1::text[], $2::boolean[], $3::text[], $4::text[]) AS o(channel, succeeded, order_id, attempt_id)
       ON CONFLICT (attempt_id, succeeded) DO NOTHING`,
      [rows.map((r) => r.channel), rows.map((r) => r.succeeded), rows.map((r) => r.orderId), rows.map((r) => r.attemptId)],
    ),
  );

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @EventPattern(patternOfEvent(PaymentSucceededSchema))
  async onSucceeded(@Payload() evt: PaymentSucceeded) {
    await this.record(evt, true);
  }

  @EventPattern(patternOfEvent(PaymentFailedSchema))
  async onFailed(@Payload() evt: PaymentFailed) {
    await this.record(evt, false);
  }

  private async record(evt: PaymentSucceeded | PaymentFailed, succeeded: boolean): Promise<void> {
    // A payment ops recorded by hand says nothing about any channel's health.
    if (evt.channel === 'manual') return;
    await this.outcomes.add({ channel: evt.channel || 'unknown', succeeded, orderId: evt.orderId, attemptId: evt.attemptId });
  }
}
