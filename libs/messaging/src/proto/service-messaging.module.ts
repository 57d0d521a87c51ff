import { Global, Injectable, Module, OnModuleInit, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { ReadinessRegistry, type BaseConfig } from '@cardshop/platform';
import { MessagingModule, MESSAGING_OPTIONS, type MessagingModuleOptions } from '../messaging.module';
import { NatsConnectionProvider } from '../nats-connection.provider';
import { JetStreamClient } from '../rpc/jetstream.client';
import { JetStreamServer } from '../transport/jetstream.server';
import type { JetStreamServerOptions } from '../messaging.options';
import { protoCodec } from './proto-codec';
import { TypedRpc } from './typed-rpc';
import { DeadLetters, DeadLettersController } from './dead-letters';

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
  /**
   * @param opts.durable false for processes without a database (gateway, adapters): they get the
   *   connection and the request client, but no outbox or inbox.
   */
  static forRoot(config: BaseConfig, opts: { durable?: boolean } & Partial<MessagingModuleOptions> = {}): DynamicModule {
    const { durable = true, ...extra } = opts;
    const options: MessagingModuleOptions = {
      namespace: config.NATS_NAMESPACE,
      serviceName: config.SERVICE_NAME,
      servers: config.NATS_URL,
      codec: protoCodec('client'),
      timeoutMs: config.RPC_TIMEOUT_MS,
      // Commits wake the relay at once; the interval only sweeps up after a crash, so it can be slow.
      // Published rows are marked in one UPDATE per half second: under load that is one statement
      // for many checkouts (at 100 ms it was ~1.4 statements per checkout across the services), and
      // a row left unmarked by a crash is only published again, which JetStream and the inbox drop.
      // Under load, events committed close together are published together (one write, one round of
      // JetStream acks, one fetch for their consumers) while the host's CPU is what limits: see
      // OUTBOX_PUBLISH_INTERVAL_MS and OUTBOX_PACE_ABOVE_HOST_CPU.
      relay: { intervalMs: 1000, markDelayMs: 500, publishIntervalMs: config.OUTBOX_PUBLISH_INTERVAL_MS, paceAboveHostCpu: config.OUTBOX_PACE_ABOVE_HOST_CPU },
      ...extra,
    };
    const rpc = { provide: TypedRpc, useFactory: (c: JetStreamClient) => new TypedRpc(c), inject: [JetStreamClient] };
    if (durable) {
      return { module: ServiceMessagingModule, imports: [MessagingModule.forRoot(options)], controllers: [DeadLettersController], providers: [NatsReadiness, rpc, DeadLetters], exports: [TypedRpc] };
    }
    const connection = { provide: NatsConnectionProvider, useFactory: () => new NatsConnectionProvider({ servers: options.servers ?? 'nats://127.0.0.1:4222', name: options.serviceName }) };
    const client = { provide: JetStreamClient, useFactory: (c: NatsConnectionProvider) => new JetStreamClient({ ...options, connection: c }), inject: [NatsConnectionProvider] };
    return {
      module: ServiceMessagingModule,
      providers: [{ provide: MESSAGING_OPTIONS, useValue: options }, connection, client, NatsReadiness, rpc],
      exports: [MESSAGING_OPTIONS, NatsConnectionProvider, JetStreamClient, TypedRpc],
    };
  }
}

/** The NATS side of a hybrid service: consumes with the server-side protobuf codec on the shared connection. */
export function serviceTransport(app: INestApplicationContext, overrides: Partial<JetStreamServerOptions> = {}): JetStreamServer {
  const options = app.get<MessagingModuleOptions>(MESSAGING_OPTIONS);
  // Payment facts must survive a dependency's outage of minutes, not seconds: ~12 minutes of
  // retries before an event is parked in the dead-letter stream for an operator.
  const retries = { maxDeliver: 16, backoffMs: [200, 1000, 5000, 15000, 60000] };
  return new JetStreamServer({ ...options, ...retries, codec: protoCodec('server'), ...overrides, connection: app.get(NatsConnectionProvider) });
}
