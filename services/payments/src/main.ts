import 'reflect-metadata';
import { serviceTransport } from '@cardshop/messaging';
import { runService } from '@cardshop/platform';
import { AppModule } from './app.module';
import { loadPaymentsConfig } from './payments.config';

const config = loadPaymentsConfig();
void runService({ module: AppModule.forRoot(config), config, transport: serviceTransport });
