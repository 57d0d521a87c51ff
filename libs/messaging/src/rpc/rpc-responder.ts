import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import type { MessageHandler } from '@nestjs/microservices';
import { SpanKind } from '@opentelemetry/api';
import type { Msg, NatsConnection, Subscription } from 'nats';
import type { Codec } from '../codec';
import { HEADER, runInMessageScope } from '../messaging.headers';
import { rpcSubject } from '@cardshop/contracts';
import { errorText, invokeHandler } from '../transport/invoke-handler';
import { JetStreamContext } from '../transport/jetstream.context';
import { inSpan } from '../transport/trace-context';
import { dataReply, errorReply, toWireError, type WireError } from './rpc-envelope';

/** Answers `@MessagePattern` requests on core NATS, load-balanced across a queue group. */
export class RpcResponder {
  private readonly subscriptions: Subscription[] = [];
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly namespace: string,
    private readonly queue: string,
    private readonly codec: Codec,
    private readonly logger: LoggerService,
  ) {}

  add(nc: NatsConnection, pattern: string, handler: MessageHandler): void {
    const sub = nc.subscribe(rpcSubject(this.namespace, pattern), {
      queue: this.queue,
      callback: (err, msg) => {
        if (err) return this.logger.error(`rpc ${pattern}: ${err.message}`);
        const p: Promise<void> = this.respond(pattern, handler, msg)
          .catch((e: Error) => this.logger.error(`rpc ${pattern}: could not reply: ${e.message}`))
          .finally(() => this.inflight.delete(p));
        this.inflight.add(p);
      },
    });
    this.subscriptions.push(sub);
  }

  /** Stops taking requests, then waits for the ones in progress to be answered. */
  async stop(): Promise<void> {
    await Promise.all(this.subscriptions.map((s) => (s.isClosed() ? undefined : s.drain())));
    await Promise.all(this.inflight);
  }

  private async respond(pattern: string, handler: MessageHandler, msg: Msg): Promise<void> {
    const id = msg.headers?.has(HEADER.messageId) ? msg.headers.get(HEADER.messageId) : randomUUID();
    const ctx = new JetStreamContext('rpc', msg.subject, pattern, this.queue, id, 1, msg.headers);
    let reply;
    try {
      let data: unknown;
      try {
        data = this.codec.decode(pattern, msg.data);
      } catch (err) {
        throw { code: 'MESSAGING.BAD_REQUEST', message: `cannot decode ${pattern}: ${errorText(err)}`, status: 400 } satisfies WireError;
      }
      const result = await inSpan(`handle ${pattern}`, SpanKind.SERVER, msg.headers, () =>
        runInMessageScope({ correlationId: ctx.correlationId ?? id, messageId: id }, () => invokeHandler(handler, data, ctx)),
      );
      reply = dataReply(this.codec.encode(pattern, result));
    } catch (err) {
      const wire = toWireError(err);
      if (wire.code === 'INTERNAL') this.logger.error(`rpc ${pattern} failed: ${errorText(err)}`);
      reply = errorReply(wire);
    }
    if (msg.reply) msg.respond(reply.body, { headers: reply.headers });
  }
}
