import { DynamicModule, Module } from '@nestjs/common';
import { messagingEntities, messagingMigrations, ServiceMessagingModule } from '@cardshop/messaging';
import { PersistenceModule, PlatformModule } from '@cardshop/platform';
import { ConfirmPaymentController } from './confirm-payment/confirm-payment.controller';
import { PaymentsInit1732500000000 } from './migrations/1732500000000-payments-init';
import { PAYMENTS_CONFIG, type PaymentsConfig } from './payments.config';
import { ManualPaymentController } from './manual-payment/manual-payment.controller';
import { RefundController } from './refund/refund.controller';
import { Refunds1733300000000 } from './migrations/1733300000000-refunds';
import { AttemptPolls1733400000000 } from './migrations/1733400000000-attempt-polls';
import { AttemptTransitions1764100000000 } from './migrations/1764100000000-attempt-transitions';
import { PollAttempts } from './poll-attempts/poll-attempts.service';
import { OrderCancelledController } from './order-cancelled/order-cancelled.controller';
import { PaymentsOps } from './payments.ops';
import { CreatedAttempts } from './confirm-payment/created-attempts';
import { StartPaymentController } from './start-payment/start-payment.controller';

const controllers = [StartPaymentController, ConfirmPaymentController, ManualPaymentController, RefundController, OrderCancelledController];
const migrations = [...messagingMigrations, PaymentsInit1732500000000, Refunds1733300000000, AttemptPolls1733400000000, AttemptTransitions1764100000000];

@Module({})
export class AppModule {
  static forRoot(config: PaymentsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config), PersistenceModule.forRoot({ entities: messagingEntities, migrations }), ServiceMessagingModule.forRoot(config)],
      controllers,
      providers: [{ provide: PAYMENTS_CONFIG, useValue: config }, PaymentsOps, PollAttempts, CreatedAttempts],
    };
  }
}
