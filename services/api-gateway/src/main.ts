import 'reflect-metadata';
import { runService, type BaseConfig } from '@cardshop/platform';
import { AppModule } from './app.module';
import { serveOpenApi } from './docs/openapi';
import { loadGatewayConfig } from './gateway.config';

// The gateway only calls services (request/reply) and watches events; it serves no NATS handlers.
const config = loadGatewayConfig();
void runService({ module: AppModule.forRoot(config), config: config as BaseConfig, configure: serveOpenApi });
