import 'reflect-metadata';
import { runService, type BaseConfig } from '@cardshop/platform';
import { AppModule } from './app.module';
import { loadSandboxConfig } from './sandbox.config';

const config = loadSandboxConfig();
void runService({ module: AppModule.forRoot(config), config: config as BaseConfig });
