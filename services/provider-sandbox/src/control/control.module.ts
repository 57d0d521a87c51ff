import { Module } from '@nestjs/common';
import { ControlController } from './control.controller';
import { SandboxProviderRegistry } from './sandbox-provider.registry';

const controllers = [ControlController];
const providers = [SandboxProviderRegistry];

/** The provider-agnostic control API; provider modules import it to register themselves. */
@Module({ controllers, providers, exports: providers })
export class ControlModule {}
