import { BaseRpcContext } from '@nestjs/microservices';
import type { MsgHdrs } from 'nats';
import { HEADER } from '../messaging.headers';

/**
 * What a handler learns about the message it handles (take it with `@Ctx()`). For events
 * `eventId` is the `Nats-Msg-Id` (the outbox event id) and `consumer` the durable consumer name,
 * the pair the inbox records; for requests `eventId` is the request's message id.
 */
export class JetStreamContext extends BaseRpcContext<[string]> {
  constructor(
    readonly kind: 'event' | 'rpc',
    readonly subject: string,
    readonly pattern: string,
    readonly consumer: string,
    readonly eventId: string,
    readonly deliveryCount: number,
    readonly headers: MsgHdrs | undefined,
  ) {
    super([subject]);
  }

  /** One header value, or undefined. */
  header(name: string): string | undefined {
    return this.headers?.has(name) ? this.headers.get(name) : undefined;
  }

  get correlationId(): string | undefined {
    return this.header(HEADER.correlationId);
  }

  get causationId(): string | undefined {
    return this.header(HEADER.causationId);
  }

  get traceparent(): string | undefined {
    return this.header(HEADER.traceparent);
  }
}
