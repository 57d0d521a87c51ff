import { DynamicModule, Module } from '@nestjs/common';
import { messagingEntities, messagingMigrations, ServiceMessagingModule } from '@cardshop/messaging';
import { PersistenceModule, PlatformModule } from '@cardshop/platform';
import { ExpireOrdersService } from './expire-orders/expire-orders.service';
import { CompleteOrdersService } from './complete-orders/complete-orders.service';
import { GetOrderController } from './get-order/get-order.controller';
import { OrdersInit1732500000000 } from './migrations/1732500000000-orders-init';
import { LookupFailures1733100000000 } from './migrations/1733100000000-lookup-failures';
import { OrderCoupons1733200000000 } from './migrations/1733200000000-order-coupons';
import { DeliveryEmails1733300000000 } from './migrations/1733300000000-delivery-emails';
import { DeliveryEmailRetry, DeliveryEmails } from './delivery-email/delivery-email';
import { MailCapture } from './delivery-email/mail-capture';
import { DeliveryEmailRetries1765000000000 } from './migrations/1765000000000-delivery-email-retries';
import { AuditLog1733300000001 } from './migrations/1733300000001-audit-log';
import { OpsActionsController } from './ops-actions/ops-actions.controller';
import { RefundRequests1733300000002 } from './migrations/1733300000002-refund-requests';
import { CompletionIndex1764300000000 } from './migrations/1764300000000-completion-index';
import { LookupLimiter } from './lookup/lookup-limiter';
import { ORDERS_CONFIG, type OrdersConfig } from './orders.config';
import { OrdersOps } from './orders.ops';
import { Fulfilment, FulfilmentController, WaitingStockRetry } from './fulfilment/fulfilment.controller';
import { AccessTokens } from './place-order/access-token';
import { PlaceOrderController } from './place-order/place-order.controller';

const controllers = [PlaceOrderController, GetOrderController, FulfilmentController, OpsActionsController];
export const ordersMigrations = [...messagingMigrations, OrdersInit1732500000000, LookupFailures1733100000000, OrderCoupons1733200000000, DeliveryEmails1733300000000, AuditLog1733300000001, RefundRequests1733300000002, CompletionIndex1764300000000, DeliveryEmailRetries1765000000000];

@Module({})
export class AppModule {
  static forRoot(config: OrdersConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config), PersistenceModule.forRoot({ entities: messagingEntities, migrations: ordersMigrations }), ServiceMessagingModule.forRoot(config)],
      controllers,
      providers: [
        { provide: ORDERS_CONFIG, useValue: config },
        { provide: AccessTokens, useValue: new AccessTokens(config.ACCESS_TOKEN_SECRET) },
        ExpireOrdersService,
        CompleteOrdersService,
        Fulfilment,
        LookupLimiter,
        MailCapture,
        DeliveryEmails,
        DeliveryEmailRetry,
        WaitingStockRetry,
        OrdersOps,
      ],
    };
  }
}
