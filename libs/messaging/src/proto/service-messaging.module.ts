import { Global, Injectable, Module, OnModuleInit, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { ReadinessRegistry, type BaseConfig } from '@cardshop/platform';
import { MessagingModule, MESSAGING_OPTIONS, type MessagingModuleOptions } from '../messaging.module';
import { NatsConnectionProvider } from '../nats-connection.provider';
import { JetStreamClient } from '../rpc/jetstream.client';
import { JetStreamServer } from '../transport/jetstream.server';
import type { JetStreamServerOptions } from '../messaging.options';
import { protoCodec } from './proto-codec';
import { TypedRpc } from './typed-rpc';

@Injectable()
class NatsReadiness implements OnModuleInit {
  constructor(private readonly readiness: ReadinessRegistry, private readonly nats: NatsConnectionProvider) {}
  onModuleInit(): void {
    this.readiness.add({
      name: 'nats',
      check: async () => {
        const nc = await this.nats.get();
        if (nc.isClosed() || nc.isDraining()) throw new Error('connection closed');
        await nc.flush();
      },
    });
  }
}

/**
 * Messaging the way every service of the platform uses it: protobuf contracts on the wire, the
 * namespace and service name from config, a typed RPC client, and NATS in the readiness check.
 */
@Global()
@Module({})
export class ServiceMessagingModule {
  static forRoot(config: BaseConfig, extra: Partial<MessagingModuleOptions> = {}): DynamicModule {
    return {
      module: ServiceMessagingModule,
      imports: [
        MessagingModule.forRoot({
          namespace: config.NATS_NAMESPACE,
          serviceName: config.SERVICE_NAME,
          servers: config.NATS_URL,
          codec: protoCodec('client'),
          timeoutMs: config.RPC_TIMEOUT_MS,
          ...extra,
        }),
      ],
      providers: [NatsReadiness, { provide: TypedRpc, useFactory: (c: JetStreamClient) => new TypedRpc(c), inject: [JetStreamClient] }],
      exports: [TypedRpc],
    };
  }
}

/** The NATS side of a hybrid service: consumes with the server-side protobuf codec on the shared connection. */
export function serviceTransport(app: INestApplicationContext, overrides: Partial<JetStreamServerOptions> = {}): JetStreamServer {
  const options = app.get<MessagingModuleOptions>(MESSAGING_OPTIONS);
  return new JetStreamServer({ ...options, codec: protoCodec('server'), ...overrides, connection: app.get(NatsConnectionProvider) });
}
