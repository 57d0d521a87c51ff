import { DynamicModule, Module } from '@nestjs/common';
import { messagingEntities, messagingMigrations, ServiceMessagingModule } from '@cardshop/messaging';
import { PersistenceModule, PlatformModule } from '@cardshop/platform';
import { GetSellerBalanceController } from './balances/get-seller-balance.controller';
import { PaymentSucceededController } from './ledger/payment-succeeded.controller';
import { SettlementInit1732600000000 } from './migrations/1732600000000-settlement-init';
import { LedgerCheckPlannedOnce1764400000000 } from './migrations/1764400000000-ledger-check-planned-once';
import { SETTLEMENT_CONFIG, type SettlementConfig } from './settlement.config';
import { SettlementOps } from './settlement.ops';

const controllers = [PaymentSucceededController, GetSellerBalanceController];
export const settlementMigrations = [...messagingMigrations, SettlementInit1732600000000, LedgerCheckPlannedOnce1764400000000];

@Module({})
export class AppModule {
  static forRoot(config: SettlementConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config), PersistenceModule.forRoot({ entities: messagingEntities, migrations: settlementMigrations }), ServiceMessagingModule.forRoot(config)],
      controllers,
      providers: [{ provide: SETTLEMENT_CONFIG, useValue: config }, SettlementOps],
    };
  }
}
