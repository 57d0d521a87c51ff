import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import { PaymentSucceededSchema, patternOfEvent, TransferPostedSchema, type PaymentSucceeded } from '@cardshop/contracts';
import { Outbox } from '@cardshop/messaging';
import { SETTLEMENT_CONFIG, type SettlementConfig } from '../settlement.config';
import { transferStatement } from './ledger.repository';
import { paymentTransfer } from './payment-transfer';

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
    const transfer = paymentTransfer(evt, this.config.PLATFORM_FEE_BPS);
    const [clearing, ...credits] = transfer.entries;
    const { sql, params } = transferStatement(transfer);
    await this.outbox.withEvents(this.db, sql, params, [{
      pattern: patternOfEvent(TransferPostedSchema),
      data: create(TransferPostedSchema, {
        transferId: transfer.id,
        orderId: transfer.orderId,
        postings: credits.map((c) => ({ debitAccount: clearing.account.id, creditAccount: c.account.id, amount: { minorAmount: -c.amount, currency: c.account.currency } })),
      }),
    }]);
  }
}
