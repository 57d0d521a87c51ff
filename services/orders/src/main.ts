import 'reflect-metadata';
import { serviceTransport } from '@cardshop/messaging';
import { runService } from '@cardshop/platform';
import { AppModule } from './app.module';
import { loadOrdersConfig } from './orders.config';

const config = loadOrdersConfig();
void runService({ module: AppModule.forRoot(config), config, transport: serviceTransport });
