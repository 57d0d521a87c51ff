import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import { PaymentRefundedSchema, PaymentSucceededSchema, patternOfEvent, TransferPostedSchema, type PaymentRefunded, type PaymentSucceeded } from '@cardshop/contracts';
import { Outbox } from '@cardshop/messaging';
import { GroupedWrite } from '@cardshop/platform';
import { SETTLEMENT_CONFIG, type SettlementConfig } from '../settlement.config';
import { transferStatement } from './ledger.repository';
import { paymentTransfer } from './payment-transfer';
import { refundTransfer } from './refund-transfer';
import type { TransferDraft } from './ledger';

@Controller()
export class PaymentSucceededController {
  /**
   * The transfers of the events handled at the same time (one delivery batch) are posted by one
   * statement, each event acknowledged once it is done; should that statement fail, each transfer
   * is posted alone, so one the database refuses holds back only its own event. The same transfer
   * twice in a batch (an event redelivered while it was being handled) is posted once.
   */
  private readonly postings = new GroupedWrite<TransferDraft>(
    (batch) => this.postAll([...new Map(batch.map((t) => [t.id, t])).values()]),
    (t) => this.postAll([t]),
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: Outbox,
    @Inject(SETTLEMENT_CONFIG) private readonly config: SettlementConfig,
  ) {}

  /**
   * Books the money of a successful payment once: the transfer (its id is derived from the
   * attempt) and its `TransferPosted` are written by one statement, so a replayed event, or a second
   * event for the same attempt, finds the transfer posted and writes nothing.
   */
  @EventPattern(patternOfEvent(PaymentSucceededSchema))
  async onPaymentSucceeded(@Payload() evt: PaymentSucceeded) {
    await this.postings.add(paymentTransfer(evt, this.config.PLATFORM_FEE_BPS));
  }

  /** Books a refund once (transfer `refund:<refund id>`), reversing its share of the sale. */
  @EventPattern(patternOfEvent(PaymentRefundedSchema))
  async onPaymentRefunded(@Payload() evt: PaymentRefunded) {
    await this.postings.add(refundTransfer(evt, this.config.PLATFORM_FEE_BPS));
  }

  /** Posts the transfers (distinct ids) and a `TransferPosted` for each one that was new. */
  private async postAll(transfers: TransferDraft[]): Promise<void> {
    const { sql, params } = transferStatement(transfers);
    await this.outbox.withKeyedEvents<{ id: string }>(this.db, sql, params, 'id', transfers.map((t) => ({ key: t.id, ...transferPosted(t) })));
  }
}

/** The `TransferPosted` event of a transfer. */
function transferPosted(transfer: TransferDraft) {
  const [clearing, ...credits] = transfer.entries;
  return {
    pattern: patternOfEvent(TransferPostedSchema),
    data: create(TransferPostedSchema, {
      transferId: transfer.id,
      orderId: transfer.orderId,
      // Each posting moves a positive amount: from clearing to the others for a sale, back for a refund.
      postings: credits.map((c) => c.amount < 0n
        ? { debitAccount: clearing.account.id, creditAccount: c.account.id, amount: { minorAmount: -c.amount, currency: c.account.currency } }
        : { debitAccount: c.account.id, creditAccount: clearing.account.id, amount: { minorAmount: c.amount, currency: c.account.currency } }),
    }),
  };
}
