import 'reflect-metadata';
import { serviceTransport } from '@cardshop/messaging';
import { runService } from '@cardshop/platform';
import { AppModule } from './app.module';
import { loadRouterConfig } from './router.config';

const config = loadRouterConfig();
void runService({ module: AppModule.forRoot(config), config, transport: serviceTransport });
