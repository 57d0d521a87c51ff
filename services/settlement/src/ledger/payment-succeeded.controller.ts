import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import { PaymentSucceededSchema, patternOfEvent, TransferPostedSchema, type PaymentSucceeded } from '@cardshop/contracts';
import { Inbox, Outbox, type JetStreamContext } from '@cardshop/messaging';
import { SETTLEMENT_CONFIG, type SettlementConfig } from '../settlement.config';
import { postTransfer } from './ledger.repository';
import { paymentTransfer } from './payment-transfer';

@Controller()
export class PaymentSucceededController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: Outbox,
    private readonly inbox: Inbox,
    @Inject(SETTLEMENT_CONFIG) private readonly config: SettlementConfig,
  ) {}

  /**
   * Books the money of a successful payment once: the inbox row, the transfer and `TransferPosted`
   * commit together; a replayed event (or a second event for the same attempt) posts nothing.
   */
  @EventPattern(patternOfEvent(PaymentSucceededSchema))
  async onPaymentSucceeded(@Payload() evt: PaymentSucceeded, @Ctx() ctx: JetStreamContext) {
    const transfer = paymentTransfer(evt, this.config.PLATFORM_FEE_BPS);
    await this.inbox.runOnce(this.db, ctx, async (em) => {
      if (!(await postTransfer(em, transfer))) return;
      const [clearing, ...credits] = transfer.entries;
      await this.outbox.enqueue(em, patternOfEvent(TransferPostedSchema), create(TransferPostedSchema, {
        transferId: transfer.id,
        orderId: transfer.orderId,
        postings: credits.map((c) => ({ debitAccount: clearing.account.id, creditAccount: c.account.id, amount: { minorAmount: -c.amount, currency: c.account.currency } })),
      }));
    });
  }
}
