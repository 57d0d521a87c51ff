import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import { PaymentRefundedSchema, PaymentSucceededSchema, patternOfEvent, TransferPostedSchema, type PaymentRefunded, type PaymentSucceeded } from '@cardshop/contracts';
import { Outbox } from '@cardshop/messaging';
import { SETTLEMENT_CONFIG, type SettlementConfig } from '../settlement.config';
import { transferStatement } from './ledger.repository';
import { paymentTransfer } from './payment-transfer';
import { refundTransfer } from './refund-transfer';
import type { TransferDraft } from './ledger';

@Controller()
export class PaymentSucceededController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: Outbox,
    @Inject(SETTLEMENT_CONFIG) private readonly config: SettlementConfig,
  ) {}

  /**
   * Books the money of a successful payment once: the transfer (its id is derived from the
   * attempt) and `TransferPosted` are written by one statement, so a replayed event, or a second
   * event for the same attempt, finds the transfer posted and writes nothing.
   */
  @EventPattern(patternOfEvent(PaymentSucceededSchema))
  async onPaymentSucceeded(@Payload() evt: PaymentSucceeded) {
    await this.post(paymentTransfer(evt, this.config.PLATFORM_FEE_BPS));
  }

  /** Books a refund once (transfer `refund:<refund id>`), reversing its share of the sale. */
  @EventPattern(patternOfEvent(PaymentRefundedSchema))
  async onPaymentRefunded(@Payload() evt: PaymentRefunded) {
    await this.post(refundTransfer(evt, this.config.PLATFORM_FEE_BPS));
  }

  private async post(transfer: TransferDraft): Promise<void> {
    const [clearing, ...credits] = transfer.entries;
    const { sql, params } = transferStatement(transfer);
    await this.outbox.withEvents(this.db, sql, params, [{
      pattern: patternOfEvent(TransferPostedSchema),
      data: create(TransferPostedSchema, {
        transferId: transfer.id,
        orderId: transfer.orderId,
        // Each posting moves a positive amount: from clearing to the others for a sale, back for a refund.
        postings: credits.map((c) => c.amount < 0n
          ? { debitAccount: clearing.account.id, creditAccount: c.account.id, amount: { minorAmount: -c.amount, currency: c.account.currency } }
          : { debitAccount: c.account.id, creditAccount: clearing.account.id, amount: { minorAmount: c.amount, currency: c.account.currency } }),
      }),
    }]);
  }
}
