import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { connect, type NatsConnection } from 'nats';
import { Counter } from 'prom-client';
import { metricsRegistry } from '@cardshop/platform';
import { coalesceWrites } from './nats-write-coalescing';

export interface NatsConnectionOptions {
  servers: string | string[];
  /** Shown in the NATS server's connection list; use the service name. */
  name: string;
}

/**
 * One NATS connection per process, shared by the server, the client and the outbox relay.
 * Connects on first use. Drains on application shutdown, which Nest runs after microservices
 * and hooks have closed, so in-flight handlers can still ack.
 */
export class NatsConnectionProvider implements OnApplicationShutdown {
  private readonly logger = new Logger(NatsConnectionProvider.name);
  private connection?: Promise<NatsConnection>;

  constructor(private readonly options: NatsConnectionOptions) {}

  /** The shared connection (connecting now if needed). */
  get(): Promise<NatsConnection> {
    if (!this.connection) {
      this.connection = connect({
        servers: this.options.servers,
        name: this.options.name,
        maxReconnectAttempts: -1,
        // Without this the client captures a stack trace for every request and publish, in case it
        // times out; callers name the failed operation in their own errors.
        noAsyncTraces: true,
      }).then((nc) => {
        countMessages(nc);
        if (!coalesceWrites(nc)) this.logger.warn('this nats.js version is not the one write coalescing was made for: each publish flushes on its own');
        return nc;
      });
      this.connection.catch(() => (this.connection = undefined));
    }
    return this.connection;
  }

  /** Drains and closes the connection; safe to call twice. */
  async close(): Promise<void> {
    const pending = this.connection;
    this.connection = undefined;
    if (!pending) return;
    const nc = await pending.catch(() => undefined);
    if (nc && !nc.isClosed()) {
      await nc.drain().catch((err: Error) => this.logger.warn(`NATS drain failed: ${err.message}`));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

let counted: NatsConnection | undefined;
let counter: Counter | undefined;

/**
 * `nats_client_messages_total{direction}`: messages this process sent and received over its NATS
 * connection (requests, replies, publishes, JetStream acks and pulls alike), read from the
 * client's own statistics when scraped. The latest connection is the one counted.
 */
function countMessages(nc: NatsConnection): void {
  counted = nc;
  let seen = { inMsgs: 0, outMsgs: 0 };
  counter ??= new Counter({
    name: 'nats_client_messages_total',
    help: 'NATS messages sent (out) and received (in) by this process',
    labelNames: ['direction'],
    registers: [metricsRegistry],
    collect() {
      const now = counted && !counted.isClosed() ? counted.stats() : seen;
      // A new connection (after a restart of the provider) starts its statistics from zero.
      const delta = (k: 'inMsgs' | 'outMsgs') => (now[k] >= seen[k] ? now[k] - seen[k] : now[k]);
      this.inc({ direction: 'in' }, delta('inMsgs'));
      this.inc({ direction: 'out' }, delta('outMsgs'));
      seen = { inMsgs: now.inMsgs, outMsgs: now.outMsgs };
    },
  });
}
