import { DynamicModule, Module } from '@nestjs/common';
import { ControlModule } from '../control';
import { AlipayGatewayController } from './alipay-gateway.controller';
import { AlipayGatewayService } from './alipay-gateway.service';
import { AlipayNotifier } from './alipay-notifier.service';
import { AlipaySandboxKeys } from './alipay-sandbox.keys';
import { ALIPAY_SANDBOX_OPTIONS, alipaySandboxOptionsFromEnv, type AlipaySandboxOptions } from './alipay-sandbox.options';
import { AlipaySandboxProvider } from './alipay-sandbox.provider';
import { AlipayTradeLifecycle } from './alipay-trade.lifecycle';
import { AlipayTradeRepository, InMemoryAlipayTradeRepository, type AlipaySandboxTrade } from './alipay-trade.repository';
import { walletPage } from './alipay-wallet.page';
import { buyerPagesController, type BuyerPages } from '../kit';
import { AlipaySandboxStore, MemoryOnlyAlipaySandboxStore, PgAlipaySandboxStore } from './alipay-sandbox.store';
import { DataSource } from 'typeorm';

const ALIPAY_WALLET = Symbol('ALIPAY_WALLET');
/** The "Alipay app" a QR code opens (`/alipay/qr/:token`): opening it is the scan. */
const wallet = {
  provide: ALIPAY_WALLET,
  inject: [AlipayTradeRepository, AlipayTradeLifecycle],
  useFactory: (trades: AlipayTradeRepository, lifecycle: AlipayTradeLifecycle): BuyerPages<AlipaySandboxTrade> => ({
    find: (token) => {
      const trade = trades.byToken(token);
      return trade && lifecycle.refresh(trade);
    },
    render: walletPage,
    complete: (trade, outcome) => void lifecycle.complete(trade, outcome),
    opened: (trade) => lifecycle.scan(trade),
    declinedNotice: 'You declined. The merchant is not told; the order stays unpaid.',
  }),
};
const controllers = [AlipayGatewayController, buyerPagesController('alipay/qr', ALIPAY_WALLET)];
const services = [AlipaySandboxKeys, AlipayGatewayService, AlipayTradeLifecycle, AlipayNotifier, AlipaySandboxProvider];
const repositories = [{ provide: AlipayTradeRepository, useClass: InMemoryAlipayTradeRepository }];

export interface AlipaySandboxModuleOptions extends Partial<AlipaySandboxOptions> {
  /** Keep keys, apps and trades in the service's schema (needs the platform's PersistenceModule). */
  durable?: boolean;
}

/**
 * The simulated Alipay gateway (`/alipay/gateway.do`), its wallet page (`/alipay/qr/:token`)
 * and its notifier. Options come from SANDBOX_TIME_SCALE / SANDBOX_ALIPAY_PRIVATE_KEY unless
 * given to forRoot.
 */
@Module({})
export class AlipaySandboxModule {
  static forRoot({ durable, ...options }: AlipaySandboxModuleOptions = {}): DynamicModule {
    const store = durable
      ? { provide: AlipaySandboxStore, useFactory: (db: DataSource) => new PgAlipaySandboxStore(db), inject: [DataSource] }
      : { provide: AlipaySandboxStore, useClass: MemoryOnlyAlipaySandboxStore };
    return {
      module: AlipaySandboxModule,
      imports: [ControlModule],
      controllers,
      providers: [{ provide: ALIPAY_SANDBOX_OPTIONS, useFactory: () => ({ ...alipaySandboxOptionsFromEnv(), ...options }) }, store, ...services, ...repositories, wallet],
      exports: [AlipaySandboxKeys, AlipayTradeRepository],
    };
  }
}
