import { DynamicModule, Module } from '@nestjs/common';
import { PersistenceModule, PlatformModule, type BaseConfig } from '@cardshop/platform';
import { SandboxInit1733000000000 } from './migrations/1733000000000-sandbox-init';
import { SandboxPayments1764000000000 } from './migrations/1764000000000-sandbox-payments';
import { SandboxKitModule } from './kit';
import { UnionPaySandboxModule } from './unionpay';
import { AlipaySandboxModule } from './alipay';
import { ControlModule } from './control';
import { EpaySandboxModule } from './epay';
import { WechatPaySandboxModule } from './wechat-pay';
import type { SandboxConfig } from './sandbox.config';

/** One module per simulated provider, plus the provider-agnostic control API; state in its own schema. */
@Module({})
export class AppModule {
  static forRoot(config: SandboxConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config as BaseConfig),
        PersistenceModule.forRoot({ entities: [], migrations: [SandboxInit1733000000000, SandboxPayments1764000000000] }),
        SandboxKitModule.forRoot({ durable: true, timeScale: config.SANDBOX_TIME_SCALE }),
        ControlModule,
        AlipaySandboxModule.forRoot({ timeScale: config.SANDBOX_TIME_SCALE, durable: true }),
        // other providers: each module below reads the shared store and time scale from SandboxKitModule
        UnionPaySandboxModule,
        EpaySandboxModule,
        WechatPaySandboxModule.forRoot(),
      ],
    };
  }
}
