import { Module } from '@nestjs/common';
import { ControlModule } from '../control';
import { EpayAggregator } from './epay-aggregator.service';
import { EpayCashierController } from './epay-cashier.controller';
import { EpayGatewayController } from './epay-gateway.controller';
import { EpaySandboxProvider } from './epay-sandbox.provider';

/**
 * The simulated 易支付 aggregator under `/epay/` (submit.php, mapi.php, api.php, the cashier
 * page) and its GET notifications. Store and time scale come from SandboxKitModule.
 */
@Module({
  imports: [ControlModule],
  controllers: [EpayGatewayController, EpayCashierController],
  providers: [EpayAggregator, EpaySandboxProvider],
  exports: [EpayAggregator],
})
export class EpaySandboxModule {}
