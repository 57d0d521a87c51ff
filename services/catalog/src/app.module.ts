import { DynamicModule, Module } from '@nestjs/common';
import { messagingEntities, messagingMigrations, ServiceMessagingModule } from '@cardshop/messaging';
import { PersistenceModule, PlatformModule } from '@cardshop/platform';
import { CATALOG_CONFIG, type CatalogConfig } from './catalog.config';
import { CatalogOps } from './catalog.ops';
import { CardKeyCipher } from './card-keys/card-key.cipher';
import { ImportKeysController } from './card-keys/import-keys.controller';
import { CatalogInit1732500000000 } from './migrations/1732500000000-catalog-init';
import { SellerInventory1733100000000 } from './migrations/1733100000000-seller-inventory';
import { LowStockAlerts } from './card-keys/low-stock';
import { Coupons } from './coupons/coupons';
import { CouponsController } from './coupons/coupons.controller';
import { Coupons1733200000000 } from './migrations/1733200000000-coupons';
import { LoopKeys1733400000000 } from './migrations/1733400000000-loop-keys';
import { ProductsController } from './products/products.controller';
import { ReservationsController } from './reservations/reservations.controller';
import { SellersController } from './sellers/sellers.controller';

const controllers = [SellersController, ProductsController, ImportKeysController, ReservationsController, CouponsController];
const migrations = [...messagingMigrations, CatalogInit1732500000000, SellerInventory1733100000000, Coupons1733200000000, LoopKeys1733400000000];

@Module({})
export class AppModule {
  static forRoot(config: CatalogConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config), PersistenceModule.forRoot({ entities: messagingEntities, migrations }), ServiceMessagingModule.forRoot(config)],
      controllers,
      providers: [
        { provide: CATALOG_CONFIG, useValue: config },
        { provide: CardKeyCipher, useValue: new CardKeyCipher(config.CARD_KEY_ENCRYPTION_KEY) },
        CatalogOps,
        LowStockAlerts,
        Coupons,
      ],
    };
  }
}
