import { DynamicModule, Module } from '@nestjs/common';
import { messagingEntities, messagingMigrations, ServiceMessagingModule } from '@cardshop/messaging';
import { PersistenceModule, PlatformModule } from '@cardshop/platform';
import { AssessPaymentController } from './assess-payment/assess-payment.controller';
import { RiskInit1732600000000 } from './migrations/1732600000000-risk-init';
import { RISK_CONFIG, type RiskConfig } from './risk.config';
import { RiskOps } from './risk.ops';

const controllers = [AssessPaymentController];
const migrations = [...messagingMigrations, RiskInit1732600000000];

@Module({})
export class AppModule {
  static forRoot(config: RiskConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config), PersistenceModule.forRoot({ entities: messagingEntities, migrations }), ServiceMessagingModule.forRoot(config)],
      controllers,
      providers: [{ provide: RISK_CONFIG, useValue: config }, RiskOps],
    };
  }
}
