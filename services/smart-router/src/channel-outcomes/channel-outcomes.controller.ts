import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PaymentFailedSchema, PaymentSucceededSchema, patternOfEvent, type PaymentFailed, type PaymentSucceeded } from '@cardshop/contracts';

/**
 * Records how each attempt ended, once: an outcome is unique per attempt and result, so a
 * redelivered event (or the same outcome published again) inserts nothing. The success-rate
 * scoring will learn from these rows.
 */
@Controller()
export class ChannelOutcomesController {
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
    // The payment events do not carry the buyer's country yet; it stays NULL until they do.
    await this.db.query(
      `INSERT INTO channel_outcomes (channel, country, succeeded, order_id, attempt_id) VALUES ($1, NULL, $2, $3, $4) ON CONFLICT (attempt_id, succeeded) DO NOTHING`,
      [evt.channel || 'unknown', succeeded, evt.orderId, evt.attemptId],
    );
  }
}
