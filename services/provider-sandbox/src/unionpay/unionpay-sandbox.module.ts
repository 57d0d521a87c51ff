import { Module } from '@nestjs/common';
import { ControlModule } from '../control';
import { UnionPayCashierController } from './unionpay-cashier.controller';
import { UnionPayGatewayController } from './unionpay-gateway.controller';
import { UnionPayGatewayService } from './unionpay-gateway.service';
import { UnionPayLedger } from './unionpay-ledger';
import { UnionPaySandboxKeys } from './unionpay-sandbox.keys';
import { UnionPaySandboxProvider } from './unionpay-sandbox.provider';

/**
 * The simulated UnionPay (ACP 5.1.0): gateway under `/unionpay/gateway/api/*.do`, the 云闪付
 * cashier under `/unionpay/qr/:token`, its CA and merchant certificates, and its notifier. Built
 * on the kit: the store and time scale come from SandboxKitModule.
 */
@Module({
  imports: [ControlModule],
  controllers: [UnionPayGatewayController, UnionPayCashierController],
  providers: [UnionPaySandboxKeys, UnionPayLedger, UnionPayGatewayService, UnionPaySandboxProvider],
})
export class UnionPaySandboxModule {}
