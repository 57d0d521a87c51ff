import { context, propagation, trace, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { RecentSpanStore } from './span-store';

/**
 * Spans for SQL statements only: the stock instrumentation also opens a `pg-pool.connect` span for
 * every connection checkout, which doubles the spans of a short transaction and tells nothing a
 * slow statement's own span does not.
 */
class PgQueryInstrumentation extends PgInstrumentation {
  protected override init() {
    return super.init().filter((m) => m.name !== 'pg-pool');
  }
}

let store: RecentSpanStore | undefined;
let provider: NodeTracerProvider | undefined;

/**
 * Starts tracing for this process. Must run before `http`, `express` and `pg` are loaded, which is
 * why services are started with `--require …/telemetry/register.js`. Spans go to an in-process
 * store (served on `/ops/traces`) and, when OTEL_EXPORTER_OTLP_ENDPOINT is set, to an OTLP collector.
 */
export function startTelemetry(service: string): RecentSpanStore {
  if (store) return store;
  store = new RecentSpanStore(service);
  // Batched: spans reach the store off the request path (a trace shows up within half a second).
  const spanProcessors: SpanProcessor[] = [new BatchSpanProcessor(store, { scheduledDelayMillis: 500, maxQueueSize: 8192, maxExportBatchSize: 1024 })];
  if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    // Loaded lazily: the exporter is only needed where a collector exists.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  }
  provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const quiet = /^\/(health|metrics)/;
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => quiet.test(req.url ?? '') }),
      new PgQueryInstrumentation({ requireParentSpan: true }),
    ],
  });
  return store;
}

export function spanStore(): RecentSpanStore | undefined {
  return store;
}

export async function stopTelemetry(): Promise<void> {
  await provider?.shutdown();
}

/** Runs `work` inside a new active span; records errors and ends the span either way. */
export async function withSpan<T>(name: string, kind: SpanKind, attributes: Record<string, string | number>, work: (span: Span) => Promise<T>): Promise<T> {
  const tracer = trace.getTracer('cardshop');
  return tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
      throw e;
    } finally {
      span.end();
    }
  });
}

/** The W3C `traceparent` of the active span, for carriers other than HTTP (NATS headers, outbox rows). */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

export function currentTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}
