import { Module, type DynamicModule, type INestApplicationContext, type Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Inbox } from './inbox/inbox';
import type { JetStreamServerOptions, MessagingCommonOptions } from './messaging.options';
import { NatsConnectionProvider } from './nats-connection.provider';
import { Outbox } from './outbox/outbox';
import { OutboxRelay, type OutboxRelayOptions } from './outbox/outbox.relay';
import { JetStreamClient } from './rpc/jetstream.client';
import { JetStreamServer } from './transport/jetstream.server';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
/** Injection token of the `JetStreamClient` (the class works as a token too). */
export const MESSAGING_CLIENT = Symbol('MESSAGING_CLIENT');

export interface MessagingModuleOptions extends Omit<MessagingCommonOptions, 'connection'> {
  /** Default request timeout of the client. Default 5000. */
  timeoutMs?: number;
  relay?: Omit<OutboxRelayOptions, 'namespace' | 'connection'>;
  /** Name of the TypeORM DataSource (from `TypeOrmModule.forRoot({ name })`); default the unnamed one. */
  dataSourceName?: string;
}

/**
 * Messaging for one service: a shared NATS connection, the request client, the outbox (with its
 * relay running from module init to module destroy) and the inbox. Needs `TypeOrmModule` with
 * `messagingEntities` in the DataSource and `messagingMigrations` run. Global.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: MESSAGING_OPTIONS, useValue: options },
      { provide: NatsConnectionProvider, useFactory: () => new NatsConnectionProvider({ servers: options.servers ?? 'nats://127.0.0.1:4222', name: options.serviceName }) },
      { provide: JetStreamClient, useFactory: (connection: NatsConnectionProvider) => new JetStreamClient({ ...options, connection }), inject: [NatsConnectionProvider] },
      { provide: MESSAGING_CLIENT, useExisting: JetStreamClient },
      {
        provide: OutboxRelay,
        useFactory: (ds: DataSource, connection: NatsConnectionProvider) => new OutboxRelay(ds, { ...options.relay, namespace: options.namespace, connection }),
        inject: [getDataSourceToken(options.dataSourceName), NatsConnectionProvider],
      },
      { provide: Outbox, useFactory: (relay: OutboxRelay) => new Outbox(options, (rows) => relay.publishCommitted(rows)), inject: [OutboxRelay] },
      { provide: Inbox, useValue: new Inbox() },
    ];
    return {
      module: MessagingModule,
      global: true,
      providers,
      exports: [MESSAGING_OPTIONS, NatsConnectionProvider, JetStreamClient, MESSAGING_CLIENT, OutboxRelay, Outbox, Inbox],
    };
  }
}

/**
 * The transport strategy for an app that imports `MessagingModule`: same namespace, service name,
 * codec and NATS connection. `app.connectMicroservice({ strategy: createJetStreamServer(app) })`.
 */
export function createJetStreamServer(
  app: INestApplicationContext,
  overrides: Omit<JetStreamServerOptions, keyof MessagingCommonOptions> = {},
): JetStreamServer {
  const options = app.get<MessagingModuleOptions>(MESSAGING_OPTIONS);
  return new JetStreamServer({ ...options, ...overrides, connection: app.get(NatsConnectionProvider) });
}
