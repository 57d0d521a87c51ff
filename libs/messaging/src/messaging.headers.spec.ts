import { setTimeout as sleep } from 'node:timers/promises';
import { context, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type * as Headers from './messaging.headers';

/** Loads the module afresh, after `before` has (or has not) registered a tracing SDK. */
function load(before?: () => void): typeof Headers {
  let mod!: typeof Headers;
  jest.isolateModules(() => {
    before?.();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('./messaging.headers');
  });
  return mod;
}

async function scopeSurvivesAwaits(h: typeof Headers): Promise<void> {
  expect(h.currentMessageScope()).toBeUndefined();
  const seen = await h.runInMessageScope({ correlationId: 'checkout-1', messageId: 'msg-7' }, async () => {
    await sleep(1);
    await Promise.resolve();
    return { scope: h.currentMessageScope(), headers: h.outgoingHeaders() };
  });
  expect(seen.scope).toEqual({ correlationId: 'checkout-1', messageId: 'msg-7' });
  expect(seen.headers[h.HEADER.correlationId]).toBe('checkout-1');
  expect(seen.headers[h.HEADER.causationId]).toBe('msg-7');
  // Outside any scope a flow starts: a new correlation id and no cause.
  const fresh = h.outgoingHeaders();
  expect(fresh[h.HEADER.correlationId]).toMatch(/^[0-9a-f-]{36}$/);
  expect(fresh[h.HEADER.causationId]).toBeUndefined();
}

describe('message scope', () => {
  afterEach(() => {
    trace.disable();
    context.disable();
  });

  it('follows the handler across awaits without a tracing SDK', async () => {
    await scopeSurvivesAwaits(load());
  });

  it('rides in the tracing SDK context beside the active span', async () => {
    const h = load(() => new NodeTracerProvider().register());
    await scopeSurvivesAwaits(h);
    const tracer = trace.getTracer('spec');
    await tracer.startActiveSpan('handle', async (span) => {
      const inner = await h.runInMessageScope({ correlationId: 'c-2' }, async () => {
        await sleep(1);
        return { span: trace.getActiveSpan(), headers: h.outgoingHeaders() };
      });
      expect(inner.span).toBe(span);
      expect(inner.headers.traceparent).toContain(span.spanContext().traceId);
      expect(inner.headers[h.HEADER.correlationId]).toBe('c-2');
      span.end();
    });
  });
});
