import 'reflect-metadata';
import { serviceTransport } from '@cardshop/messaging';
import { runService } from '@cardshop/platform';
import { AppModule } from './app.module';
import { loadRiskConfig } from './risk.config';

const config = loadRiskConfig();
void runService({ module: AppModule.forRoot(config), config, transport: serviceTransport });
