import { DynamicModule, Module } from '@nestjs/common';
import { ControlModule } from '../control';
import { WechatPayApiController } from './wechat-pay-api.controller';
import { WechatPayBuyerController } from './wechat-pay-buyer.controller';
import { WechatPayNotifications } from './wechat-pay-notifications';
import { WECHAT_PAY_SANDBOX_OPTIONS, wechatPaySandboxOptionsFromEnv, type WechatPaySandboxOptions } from './wechat-pay-sandbox.options';
import { WechatPaySandboxProvider } from './wechat-pay-sandbox.provider';
import { WechatPaySandboxState } from './wechat-pay-sandbox.state';
import { WechatPayTransactions } from './wechat-pay-transactions.service';

/**
 * The simulated WeChat Pay API v3 (`/wechat-pay/v3/…`), its payer page (`/wechat-pay/pay/:token`)
 * and its notifier, on the sandbox kit (store and time scale from SandboxKitModule). Options come
 * from SANDBOX_WECHAT_PROBE_EVERY / SANDBOX_WECHAT_PRIVATE_KEY unless given to forRoot.
 */
@Module({})
export class WechatPaySandboxModule {
  static forRoot(options: Partial<WechatPaySandboxOptions> = {}): DynamicModule {
    return {
      module: WechatPaySandboxModule,
      imports: [ControlModule],
      controllers: [WechatPayApiController, WechatPayBuyerController],
      providers: [
        { provide: WECHAT_PAY_SANDBOX_OPTIONS, useFactory: () => ({ ...wechatPaySandboxOptionsFromEnv(), ...options }) },
        WechatPaySandboxState,
        WechatPayNotifications,
        WechatPayTransactions,
        WechatPaySandboxProvider,
      ],
    };
  }
}
