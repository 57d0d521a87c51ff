import 'reflect-metadata';
import { serviceTransport } from '@cardshop/messaging';
import { runService } from '@cardshop/platform';
import { AppModule } from './app.module';
import { loadSettlementConfig } from './settlement.config';

const config = loadSettlementConfig();
void runService({ module: AppModule.forRoot(config), config, transport: serviceTransport });
