import { DynamicModule, Module } from '@nestjs/common';
import { ServiceMessagingModule } from '@cardshop/messaging';
import { PlatformModule, type BaseConfig } from '@cardshop/platform';
import { OrderEventsController } from './events/order-events.controller';
import { OrderEventsService } from './events/order-events.service';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway.config';
import { OrdersController } from './orders/orders.controller';
import { ProductsController } from './products/products.controller';
import { OpsApiController, SellerController } from './seller/seller.controller';
import { SellerAuth } from './seller/seller-auth';
import { StorefrontController } from './storefront/storefront.controller';

const controllers = [ProductsController, OrdersController, OrderEventsController, OpsApiController, SellerController, StorefrontController];

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config as BaseConfig), ServiceMessagingModule.forRoot(config as BaseConfig, { durable: false })],
      controllers,
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }, OrderEventsService, SellerAuth],
    };
  }
}
