import type { LoggerService } from '@nestjs/common';
import type { MessageHandler } from '@nestjs/microservices';
import { SpanKind } from '@opentelemetry/api';
import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from 'nats';
import { delayFromBackoff } from '../backoff';
import type { Codec } from '../codec';
import { HEADER, runInMessageScope } from '../messaging.headers';
import { NonRetryableMessageError } from '../messaging.errors';
import { consumerName, contextOfPattern, eventStreamName, eventSubject } from '@cardshop/contracts';
import { publishDeadLetter } from './dead-letter';
import { errorText, invokeHandler } from './invoke-handler';
import { JetStreamContext } from './jetstream.context';
import { inSpan } from './trace-context';

export interface EventConsumerSettings {
  namespace: string;
  serviceName: string;
  codec: Codec;
  maxDeliver: number;
  backoffMs: readonly number[];
  ackWaitMs: number;
  maxMessages: number;
  concurrency: number;
}

/**
 * One durable pull consumer feeding one `@EventPattern` handler: ack after the handler succeeds,
 * nak with backoff when it fails, dead-letter and terminate on the last attempt.
 */
export class EventConsumer {
  private readonly durable: string;
  private readonly stream: string;
  private readonly inflight = new Set<Promise<void>>();
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;

  constructor(
    private readonly js: JetStreamClient,
    private readonly pattern: string,
    private readonly handler: MessageHandler,
    private readonly s: EventConsumerSettings,
    private readonly logger: LoggerService,
  ) {
    this.durable = consumerName(s.serviceName, pattern);
    this.stream = eventStreamName(s.namespace, contextOfPattern(pattern));
  }

  async start(jsm: JetStreamManager): Promise<void> {
    const config = {
      durable_name: this.durable,
      filter_subject: eventSubject(this.s.namespace, this.pattern),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      // One spare delivery: if the process dies during the last attempt, the spare one still
      // reaches the dead-letter branch instead of the message silently running out of attempts.
      max_deliver: this.s.maxDeliver + 1,
      ack_wait: this.s.ackWaitMs * 1_000_000,
    };
    await jsm.consumers.add(this.stream, config).catch(() =>
      jsm.consumers.update(this.stream, this.durable, { max_deliver: config.max_deliver, ack_wait: config.ack_wait }),
    );
    const consumer = await this.js.consumers.get(this.stream, this.durable);
    this.messages = await consumer.consume({ max_messages: this.s.maxMessages });
    this.loop = this.run(this.messages).catch((e: Error) => this.logger.error(`${this.durable}: consumer stopped: ${e.message}`));
  }

  /** Stops pulling, then waits for the handlers already running to finish and ack. */
  async stop(): Promise<void> {
    await this.messages?.close();
    await this.loop;
    await Promise.all(this.inflight);
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      const p: Promise<void> = this.handle(m)
        .catch((e: Error) => this.logger.error(`${this.durable}: could not settle a message: ${e.message}`))
        .finally(() => this.inflight.delete(p));
      this.inflight.add(p);
      if (this.inflight.size >= this.s.concurrency) await Promise.race(this.inflight);
    }
  }

  private async handle(m: JsMsg): Promise<void> {
    const eventId = m.headers?.has(HEADER.msgId) ? m.headers.get(HEADER.msgId) : `${m.info.stream}:${m.seq}`;
    const ctx = new JetStreamContext('event', m.subject, this.pattern, this.durable, eventId, m.info.deliveryCount, m.headers);
    try {
      await inSpan(`process ${this.pattern}`, SpanKind.CONSUMER, m.headers, () =>
        runInMessageScope({ correlationId: ctx.correlationId ?? eventId, messageId: eventId }, () =>
          invokeHandler(this.handler, this.decode(m), ctx),
        ),
      );
      m.ack();
    } catch (err) {
      await this.fail(m, ctx, err);
    }
  }

  private decode(m: JsMsg): unknown {
    try {
      return this.s.codec.decode(this.pattern, m.data);
    } catch (err) {
      throw new NonRetryableMessageError(`cannot decode ${this.pattern}: ${errorText(err)}`, { cause: err, code: 'MESSAGING.UNDECODABLE' });
    }
  }

  private async fail(m: JsMsg, ctx: JetStreamContext, err: unknown): Promise<void> {
    const retryable = (err as { retryable?: unknown } | null)?.retryable !== false;
    const delay = delayFromBackoff(ctx.deliveryCount, this.s.backoffMs);
    if (retryable && ctx.deliveryCount < this.s.maxDeliver) {
      this.logger.warn(`${this.durable}: event ${ctx.eventId} failed (delivery ${ctx.deliveryCount} of ${this.s.maxDeliver}), retrying in ${delay} ms: ${errorText(err)}`);
      return m.nak(delay);
    }
    try {
      await publishDeadLetter(this.js, this.s.namespace, this.durable, this.pattern, ctx.eventId, m, err);
      // No reason argument: NATS 2.9 ignores a "+TERM <reason>" ack it cannot parse.
      m.term();
      this.logger.warn(`${this.durable}: event ${ctx.eventId} dead-lettered: ${errorText(err)}`);
    } catch (dlqErr) {
      this.logger.error(`${this.durable}: dead-letter publish failed, will retry: ${errorText(dlqErr)}`);
      m.nak(delay);
    }
  }
}
