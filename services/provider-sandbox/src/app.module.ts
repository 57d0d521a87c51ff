import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, type BaseConfig } from '@cardshop/platform';
import { AlipaySandboxModule } from './alipay';
import { ControlModule } from './control';
import type { SandboxConfig } from './sandbox.config';

/** One module per simulated provider, plus the provider-agnostic control API. */
@Module({})
export class AppModule {
  static forRoot(config: SandboxConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config as BaseConfig), ControlModule, AlipaySandboxModule.forRoot({ timeScale: config.SANDBOX_TIME_SCALE })],
    };
  }
}
