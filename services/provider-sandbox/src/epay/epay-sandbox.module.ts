import { Module } from '@nestjs/common';
import { ControlModule } from '../control';
import { EpayAggregator } from './epay-aggregator.service';
import { buyerPagesController, type BuyerPages } from '../kit';
import { cashierPage } from './epay-cashier.page';
import type { EpaySandboxPayment } from './epay-sandbox.types';
import { EpayGatewayController } from './epay-gateway.controller';
import { EpaySandboxProvider } from './epay-sandbox.provider';

/**
 * The simulated 易支付 aggregator under `/epay/` (submit.php, mapi.php, api.php, the cashier
 * page) and its GET notifications. Store and time scale come from SandboxKitModule.
 */
const EPAY_CASHIER = Symbol('EPAY_CASHIER');
/** The aggregator's cashier (`/epay/pay/:token`), for people and browsers. */
const cashier = {
  provide: EPAY_CASHIER,
  inject: [EpayAggregator],
  useFactory: (aggregator: EpayAggregator): BuyerPages<EpaySandboxPayment> => ({
    find: (token) => aggregator.book.token(token),
    render: cashierPage,
    complete: (p, outcome) => aggregator.complete(p, outcome),
    declinedNotice: 'You declined. The aggregator does not notify the merchant; its order query reports the failure.',
  }),
};

@Module({
  imports: [ControlModule],
  controllers: [EpayGatewayController, buyerPagesController('epay/pay', EPAY_CASHIER)],
  providers: [EpayAggregator, EpaySandboxProvider, cashier],
  exports: [EpayAggregator],
})
export class EpaySandboxModule {}
