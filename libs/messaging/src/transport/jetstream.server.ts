import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { NatsConnection } from 'nats';
import { jsonCodec } from '../codec';
import { NatsConnectionProvider } from '../nats-connection.provider';
import { RpcResponder } from '../rpc/rpc-responder';
import { contextOfPattern } from '@cardshop/contracts';
import type { JetStreamServerOptions } from '../messaging.options';
import { EventConsumer } from './event-consumer';
import { ensureDeadLetterStream, ensureEventStream } from './streams';

/** Identifies this transport in `@EventPattern(pattern, JETSTREAM_TRANSPORT)` if a service has several. */
export const JETSTREAM_TRANSPORT = Symbol('CARDSHOP_JETSTREAM');

/**
 * Nest transport: `@EventPattern` handlers consume durable JetStream consumers (at-least-once,
 * ack after the handler, backoff, dead letter after `maxDeliver`); `@MessagePattern` handlers
 * answer core NATS requests in a queue group. Pair event handlers with `Inbox.runOnce` for an
 * exactly-once effect, and register `RpcErrorFilter` so error codes survive Nest's filters.
 */
export class JetStreamServer extends Server implements CustomTransportStrategy {
  override readonly transportId = JETSTREAM_TRANSPORT;
  protected override readonly logger = new Logger(JetStreamServer.name);
  private readonly provider: NatsConnectionProvider;
  private readonly ownsConnection: boolean;
  private readonly consumers: EventConsumer[] = [];
  private responder?: RpcResponder;
  private connection?: NatsConnection;

  constructor(private readonly options: JetStreamServerOptions) {
    super();
    this.ownsConnection = !options.connection;
    this.provider =
      options.connection ?? new NatsConnectionProvider({ servers: options.servers ?? 'nats://127.0.0.1:4222', name: options.serviceName });
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Stops consuming, waits for handlers in flight, and drains the connection if it owns it. */
  async close(): Promise<void> {
    await Promise.all(this.consumers.splice(0).map((c) => c.stop()));
    await this.responder?.stop();
    if (this.ownsConnection) await this.provider.close();
  }

  on(): never {
    throw new Error('JetStreamServer has no events to listen to; watch the NATS connection instead');
  }

  unwrap<T>(): T {
    if (!this.connection) throw new Error('JetStreamServer is not listening yet');
    return this.connection as T;
  }

  private async start(): Promise<void> {
    const o = this.options;
    const codec = o.codec ?? jsonCodec;
    const nc = (this.connection = await this.provider.get());
    const jsm = await nc.jetstreamManager();
    const js = nc.jetstream();
    const handlers = [...this.messageHandlers.entries()];
    const events = handlers.filter(([, h]) => h.isEventHandler);
    const contexts = new Set(events.map(([pattern]) => contextOfPattern(pattern)));
    await Promise.all([...[...contexts].map((c) => ensureEventStream(jsm, o.namespace, c)), ensureDeadLetterStream(jsm, o.namespace)]);
    const maxMessages = o.maxMessages ?? 64;
    const settings = {
      namespace: o.namespace,
      serviceName: o.serviceName,
      codec,
      maxDeliver: o.maxDeliver ?? 5,
      backoffMs: o.backoffMs ?? [200, 1000, 5000, 15000],
      ackWaitMs: o.ackWaitMs ?? 30_000,
      maxMessages,
      concurrency: o.concurrency ?? maxMessages,
    };
    for (const [pattern, handler] of events) {
      const consumer = new EventConsumer(js, pattern, handler, settings, this.logger);
      await consumer.start(jsm);
      this.consumers.push(consumer);
    }
    this.responder = new RpcResponder(o.namespace, o.rpcQueueGroup ?? o.serviceName, codec, this.logger);
    for (const [pattern, handler] of handlers) if (!handler.isEventHandler) this.responder.add(nc, pattern, handler);
    // The server must know every subscription before we report ready, or early requests get no responder.
    await nc.flush();
  }
}
