import { Controller, UseFilters, type INestApplication } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { lastValueFrom } from 'rxjs';
import { metricsRegistry } from '@cardshop/platform';
import { JetStreamClient, RpcErrorFilter, runInMessageScope, type JetStreamContext } from '../src';
import { IntHarness } from './support/int-harness';
import { startMessagingApp } from './support/messaging-app';

const RESERVE = 'catalog.v1.CatalogService.ReserveKeys';
const FAILING = 'catalog.v1.CatalogService.FailWithCode';
const CRASHING = 'catalog.v1.CatalogService.Crash';
const SLOW = 'catalog.v1.CatalogService.Slow';
const ECHO_HEADERS = 'catalog.v1.CatalogService.EchoHeaders';

@Controller()
@UseFilters(RpcErrorFilter)
class CatalogRpcController {
  @MessagePattern(RESERVE)
  reserve(@Payload() req: { sku: string; quantity: number }) {
    return { reserved: req.quantity, sku: req.sku };
  }

  @MessagePattern(FAILING)
  fail(): never {
    throw Object.assign(new Error('only 1 key left'), { code: 'CATALOG.INSUFFICIENT_STOCK', status: 409, details: { left: 1 } });
  }

  @MessagePattern(CRASHING)
  crash(): never {
    throw new Error('relation catalog_internal_ledger is locked');
  }

  @MessagePattern(SLOW)
  async slow(@Payload() req: { ms: number }) {
    await new Promise((r) => setTimeout(r, req.ms));
    return 'late';
  }

  @MessagePattern(ECHO_HEADERS)
  echo(@Ctx() ctx: JetStreamContext) {
    return { traceparent: ctx.traceparent, correlationId: ctx.correlationId, causationId: ctx.causationId, eventId: ctx.eventId };
  }
}

jest.setTimeout(20_000);

describe('request/reply over NATS', () => {
  const h = new IntHarness();
  const tracing = new NodeTracerProvider();
  let app: INestApplication;
  let client: JetStreamClient;

  beforeAll(async () => {
    tracing.register({ propagator: new W3CTraceContextPropagator() });
    await h.setup();
    app = await startMessagingApp(h, 'catalog', [CatalogRpcController]);
    client = app.get(JetStreamClient);
  });

  afterAll(async () => {
    await app.close();
    await h.dispose();
    await tracing.shutdown();
  });

  it("a request returns the handler's value", async () => {
    await expect(client.request(RESERVE, { sku: 'steam-50', quantity: 2 })).resolves.toEqual({ reserved: 2, sku: 'steam-50' });
    await expect(lastValueFrom(client.send(RESERVE, { sku: 'psn-10', quantity: 1 }))).resolves.toEqual({ reserved: 1, sku: 'psn-10' });
  });

  it('the NATS messages a process sends and receives are counted at /metrics', async () => {
    const count = async (direction: string) => Number((await metricsRegistry.metrics()).match(new RegExp(`^nats_client_messages_total\\{direction="${direction}"\\} (\\d+)$`, 'm'))?.[1]);
    const [out0, in0] = [await count('out'), await count('in')];
    for (let i = 0; i < 5; i++) await client.request(RESERVE, { sku: 'steam-50', quantity: 1 });
    // Client and server share this process's connection: five requests out and in, five replies out and in.
    expect((await count('out')) - out0).toBeGreaterThanOrEqual(10);
    expect((await count('in')) - in0).toBeGreaterThanOrEqual(10);
  });

  it('a remote error keeps its code, status and details', async () => {
    await expect(client.request(FAILING, {})).rejects.toMatchObject({
      name: 'RpcRemoteError',
      code: 'CATALOG.INSUFFICIENT_STOCK',
      status: 409,
      details: { left: 1 },
      message: 'only 1 key left',
    });
  });

  it('a remote error without a code arrives as INTERNAL without its message', async () => {
    const err = await client.request(CRASHING, {}).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'INTERNAL' });
    expect((err as Error).message).not.toContain('catalog_internal_ledger');
  });

  it('a request nobody listens to fails fast with a retryable MESSAGING.TIMEOUT', async () => {
    await expect(client.request('catalog.v1.CatalogService.Nobody', {}, { timeoutMs: 2000 })).rejects.toMatchObject({
      code: 'MESSAGING.TIMEOUT',
      retryable: true,
      reason: 'no_responders',
    });
  });

  it('a slow responder makes the request time out with a retryable MESSAGING.TIMEOUT', async () => {
    await expect(client.request(SLOW, { ms: 1000 }, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'MESSAGING.TIMEOUT',
      retryable: true,
      reason: 'timeout',
    });
  });

  it('emit refuses to publish events and points to the outbox', () => {
    expect(() => client.emit('orders.v1.OrderPlaced', {})).toThrow(/Outbox\.enqueue/);
  });

  it('trace context, correlation and causation ids travel from the request to the handler context', async () => {
    const tracer = trace.getTracer('test');
    const { seen, traceId } = await tracer.startActiveSpan('checkout', async (span) => {
      const seen = await runInMessageScope({ correlationId: 'checkout-42', messageId: 'http-request-7' }, () =>
        client.request<Record<string, string>>(ECHO_HEADERS, {}),
      );
      span.end();
      return { seen, traceId: span.spanContext().traceId };
    });
    expect(propagation.fields()).toContain('traceparent');
    expect(seen.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
    expect(seen.correlationId).toBe('checkout-42');
    expect(seen.causationId).toBe('http-request-7');
    expect(seen.eventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a request outside any scope starts a new correlation id', async () => {
    const seen = await client.request<Record<string, string>>(ECHO_HEADERS, {});
    expect(seen.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen.causationId).toBeUndefined();
  });
});
