import { Module, type INestApplication, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createHttpApp } from '@cardshop/platform';
import { createJetStreamServer, MessagingModule, type JetStreamServer, type JetStreamServerOptions } from '../../src';
import { NATS_URL, type IntHarness } from './int-harness';

@Module({})
class TestServiceModule {}

/** A real hybrid Nest app of one service (HTTP never listens), wired as services wire it. */
export async function startMessagingApp(
  h: IntHarness,
  serviceName: string,
  controllers: Type[],
  server: Omit<JetStreamServerOptions, 'namespace' | 'serviceName' | 'servers' | 'connection' | 'codec'> = {},
  inspect: (server: JetStreamServer) => void = () => undefined,
): Promise<INestApplication> {
  const app = await createHttpApp(
    {
      module: TestServiceModule,
      imports: [
        TypeOrmModule.forRoot({ ...h.typeOrmOptions(), migrationsRun: true }),
        MessagingModule.forRoot({ namespace: h.namespace, serviceName, servers: NATS_URL, relay: { intervalMs: 50, pollMinAgeMs: 200 } }),
      ],
      controllers,
    },
    { logger: ['error'] },
  );
  const strategy = createJetStreamServer(app, server);
  inspect(strategy);
  app.connectMicroservice({ strategy });
  await app.startAllMicroservices();
  await app.init();
  return app;
}
