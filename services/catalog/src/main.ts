import 'reflect-metadata';
import { serviceTransport } from '@cardshop/messaging';
import { runService } from '@cardshop/platform';
import { AppModule } from './app.module';
import { loadCatalogConfig } from './catalog.config';

const config = loadCatalogConfig();
void runService({ module: AppModule.forRoot(config), config, transport: serviceTransport });
