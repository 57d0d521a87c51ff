import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { NatsConnection } from 'nats';
import { defer, type Observable } from 'rxjs';
import { jsonCodec } from '../codec';
import type { MessagingCommonOptions } from '../messaging.options';
import { NatsConnectionProvider } from '../nats-connection.provider';
import { RpcRequester, type RequestOptions } from './rpc-requester';

export interface JetStreamClientOptions extends MessagingCommonOptions {
  /** Default request timeout. Default 5000. */
  timeoutMs?: number;
}

const EVENTS_GO_THROUGH_OUTBOX =
  'JetStreamClient does not publish events: write them with Outbox.enqueue(manager, pattern, data) inside the transaction that changes state';

/**
 * Request/reply to other services (`@MessagePattern` handlers behind a `JetStreamServer`).
 * Every request carries `traceparent`, `Cardshop-Correlation-Id` and `Cardshop-Causation-Id`.
 * Fails with `MESSAGING.TIMEOUT` (retryable) when nobody answers in time, or with an
 * `RpcRemoteError` carrying the responder's `code`/`status` when the handler failed.
 */
export class JetStreamClient extends ClientProxy {
  private readonly provider: NatsConnectionProvider;
  private readonly ownsConnection: boolean;
  private readonly requester: RpcRequester;
  private connection?: NatsConnection;

  constructor(options: JetStreamClientOptions) {
    super();
    this.ownsConnection = !options.connection;
    this.provider =
      options.connection ?? new NatsConnectionProvider({ servers: options.servers ?? 'nats://127.0.0.1:4222', name: options.serviceName });
    this.requester = new RpcRequester(() => this.connect(), options.namespace, options.codec ?? jsonCodec, options.timeoutMs ?? 5000);
  }

  /** Promise API for callers that do not use Rx. */
  request<T>(pattern: string, data: unknown, opts?: RequestOptions): Promise<T> {
    return this.requester.request<T>(pattern, data, opts);
  }

  /** Rx API: a cold Observable that sends one request per subscription. */
  override send<TResult = unknown, TInput = unknown>(pattern: string, data: TInput): Observable<TResult> {
    return defer(() => this.request<TResult>(pattern, data));
  }

  /** Always throws: events go through the transactional outbox. */
  override emit(_pattern?: unknown, _data?: unknown): never {
    throw new Error(EVENTS_GO_THROUGH_OUTBOX);
  }

  async connect(): Promise<NatsConnection> {
    return (this.connection ??= await this.provider.get());
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.provider.close();
    this.connection = undefined;
  }

  unwrap<T>(): T {
    if (!this.connection) throw new Error('JetStreamClient is not connected yet');
    return this.connection as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    this.request(packet.pattern, packet.data).then(
      (response) => callback({ response, isDisposed: true }),
      (err: unknown) => callback({ err, isDisposed: true }),
    );
    return () => undefined;
  }

  protected dispatchEvent(): Promise<never> {
    return Promise.reject(new Error(EVENTS_GO_THROUGH_OUTBOX));
  }
}
