import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PaymentFailedSchema, PaymentSucceededSchema, patternOfEvent, type PaymentFailed, type PaymentSucceeded } from '@cardshop/contracts';
import { Inbox, type JetStreamContext } from '@cardshop/messaging';

/** Records how each attempt ended, once per event; the success-rate scoring will learn from it. */
@Controller()
export class ChannelOutcomesController {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly inbox: Inbox) {}

  @EventPattern(patternOfEvent(PaymentSucceededSchema))
  async onSucceeded(@Payload() evt: PaymentSucceeded, @Ctx() ctx: JetStreamContext) {
    await this.record(evt, true, ctx);
  }

  @EventPattern(patternOfEvent(PaymentFailedSchema))
  async onFailed(@Payload() evt: PaymentFailed, @Ctx() ctx: JetStreamContext) {
    await this.record(evt, false, ctx);
  }

  private async record(evt: PaymentSucceeded | PaymentFailed, succeeded: boolean, ctx: JetStreamContext): Promise<void> {
    // The payment events do not carry the buyer's country yet; it stays NULL until they do.
    await this.inbox.runOnce(this.db, ctx, (em) =>
      em.query(`INSERT INTO channel_outcomes (channel, country, succeeded, order_id, attempt_id) VALUES ($1, NULL, $2, $3, $4) ON CONFLICT DO NOTHING`, [evt.channel || 'unknown', succeeded, evt.orderId, evt.attemptId]),
    );
  }
}
