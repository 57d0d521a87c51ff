import { Controller, Inject, UseFilters, type INestApplication } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { getDataSourceToken } from '@nestjs/typeorm';
import { trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { headers as natsHeaders } from 'nats';
import type { DataSource } from 'typeorm';
import { Inbox, Outbox, RpcErrorFilter, runInMessageScope, type JetStreamContext } from '../src';
import { consumerName, deadLetterStreamName, deadLetterSubject, eventStreamName, eventSubject } from '@cardshop/contracts';
import { IntHarness, pollUntil } from './support/int-harness';
import { startMessagingApp } from './support/messaging-app';

const SERVICE = 'delivery';
const PLACED = 'orders.v1.OrderPlaced';
const POISON = 'orders.v1.OrderPoisoned';
const MAX_DELIVER = 3;

interface Placed {
  key: string;
  failAfterEffectOnFirstDelivery?: boolean;
}

/** What the handlers saw, by test key. */
const seen = new Map<string, { deliveries: number; duplicates: number; ctx?: JetStreamContext }>();
let effectsTable = '';
const record = (key: string) => seen.get(key) ?? seen.set(key, { deliveries: 0, duplicates: 0 }).get(key)!;

@Controller()
@UseFilters(RpcErrorFilter)
class DeliveryEventsController {
  constructor(
    private readonly inbox: Inbox,
    @Inject(getDataSourceToken()) private readonly ds: DataSource,
  ) {}

  @EventPattern(PLACED)
  async onPlaced(@Payload() event: Placed, @Ctx() ctx: JetStreamContext) {
    const r = record(event.key);
    r.deliveries++;
    r.ctx = ctx;
    const result = await this.inbox.runOnce(this.ds, ctx, (m) =>
      m.query(`INSERT INTO ${effectsTable} (event_key, event_id) VALUES ($1, $2)`, [event.key, ctx.eventId]),
    );
    if (result.duplicate) r.duplicates++;
    // The effect has committed; failing now is a crash before the ack.
    if (event.failAfterEffectOnFirstDelivery && ctx.deliveryCount === 1) throw new Error('crashed before ack');
  }

  @EventPattern(POISON)
  onPoisoned(@Payload() event: Placed) {
    record(event.key).deliveries++;
    throw Object.assign(new Error('card key vault unavailable'), { code: 'CATALOG.VAULT_DOWN' });
  }
}

jest.setTimeout(20_000);

describe('JetStream events', () => {
  const h = new IntHarness();
  const tracing = new NodeTracerProvider();
  let app: INestApplication;
  let ds: DataSource;

  const effects = async (key: string): Promise<number> =>
    (await ds.query(`SELECT count(*)::int AS n FROM "${h.schema}".effects WHERE event_key = $1`, [key]))[0].n;

  beforeAll(async () => {
    tracing.register({ propagator: new W3CTraceContextPropagator() });
    await h.setup();
    const admin = await h.dataSource(false);
    effectsTable = `"${h.schema}".effects`;
    await admin.query(`CREATE TABLE ${effectsTable} (event_key text NOT NULL, event_id text NOT NULL)`);
    app = await startMessagingApp(h, SERVICE, [DeliveryEventsController], { maxDeliver: MAX_DELIVER, backoffMs: [50, 100] });
    ds = app.get<DataSource>(getDataSourceToken());
  });

  afterAll(async () => {
    await app.close();
    await h.dispose();
    await tracing.shutdown();
  });

  it('a redelivered event has its effect once', async () => {
    const outbox = app.get(Outbox);
    await ds.transaction((m) => outbox.enqueue(m, PLACED, { key: 'nak-after-effect', failAfterEffectOnFirstDelivery: true }));
    await pollUntil('second delivery seen as duplicate', () => seen.get('nak-after-effect')?.duplicates === 1);
    expect(seen.get('nak-after-effect')?.deliveries).toBe(2);
    expect(await effects('nak-after-effect')).toBe(1);
  });

  it('the same event published twice has its effect once', async () => {
    const js = h.nc.jetstream();
    const subject = eventSubject(h.namespace, PLACED);
    const payload = new TextEncoder().encode(JSON.stringify({ key: 'published-twice' }));
    await js.publish(subject, payload, { msgID: 'evt-published-twice' });
    await js.publish(subject, payload, { msgID: 'evt-published-twice' });
    await pollUntil('event handled', () => seen.get('published-twice')?.deliveries);
    await pollUntil('consumer has nothing pending', async () => {
      const info = await h.jsm.consumers.info(eventStreamName(h.namespace, 'orders'), consumerName(SERVICE, PLACED));
      return info.num_pending === 0 && info.num_ack_pending === 0;
    });
    expect(await effects('published-twice')).toBe(1);
  });

  it('a handler that keeps failing ends in the dead-letter subject after maxDeliver attempts and is not redelivered', async () => {
    const headers = natsHeaders();
    headers.set('Cardshop-Correlation-Id', 'poison-flow');
    const payload = new TextEncoder().encode(JSON.stringify({ key: 'poison' }));
    await h.nc.jetstream().publish(eventSubject(h.namespace, POISON), payload, { msgID: 'evt-poison', headers });

    const consumer = consumerName(SERVICE, POISON);
    const dead = await pollUntil('dead letter stored', async () =>
      (await h.storedMessages(deadLetterStreamName(h.namespace))).find((m) => m.subject === deadLetterSubject(h.namespace, consumer, POISON)),
    );
    expect(dead.header.get('Cardshop-Error')).toBe('card key vault unavailable');
    expect(dead.header.get('Cardshop-Error-Code')).toBe('CATALOG.VAULT_DOWN');
    expect(dead.header.get('Cardshop-Event-Id')).toBe('evt-poison');
    expect(dead.header.get('Cardshop-Correlation-Id')).toBe('poison-flow');
    expect(Buffer.from(dead.data)).toEqual(Buffer.from(payload));

    await pollUntil('poison message settled', async () => {
      const info = await h.jsm.consumers.info(eventStreamName(h.namespace, 'orders'), consumer);
      return info.num_pending === 0 && info.num_ack_pending === 0 && info.num_redelivered === 0;
    });
    expect(seen.get('poison')?.deliveries).toBe(MAX_DELIVER);
  });

  it('trace context, correlation and causation ids travel from an outbox event to the handler context', async () => {
    const outbox = app.get(Outbox);
    const { eventId, traceId } = await trace.getTracer('test').startActiveSpan('pay', async (span) => {
      const eventId = await runInMessageScope({ correlationId: 'checkout-9', messageId: 'payment-succeeded-1' }, () =>
        ds.transaction((m) => outbox.enqueue(m, PLACED, { key: 'traced' })),
      );
      span.end();
      return { eventId, traceId: span.spanContext().traceId };
    });
    const ctx = (await pollUntil('traced event handled', () => seen.get('traced')?.ctx))!;
    expect(ctx.eventId).toBe(eventId);
    expect(ctx.traceparent).toMatch(new RegExp(`^00-${traceId}-`));
    expect(ctx.correlationId).toBe('checkout-9');
    expect(ctx.causationId).toBe('payment-succeeded-1');
    expect(ctx.consumer).toBe(consumerName(SERVICE, PLACED));
  });
});
