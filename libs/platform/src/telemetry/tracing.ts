import { context, defaultTextMapGetter, propagation, trace, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { RecentSpanStore } from './span-store';

let store: RecentSpanStore | undefined;
let provider: NodeTracerProvider | undefined;

/**
 * Starts tracing for this process (services preload it with `--require …/telemetry/register.js`).
 * Spans go to an in-process store (served on `/ops/traces`) and, when OTEL_EXPORTER_OTLP_ENDPOINT
 * is set, to an OTLP collector.
 *
 * Spans are opened at this platform's own seams rather than by monkey-patching `http` and `pg`:
 * an HTTP server span per request (`runService`), a consumer/server span per NATS message
 * (`@cardshop/messaging`), a client span per SQL statement (`PreparedStatementClient`). The stock
 * auto-instrumentations cost a quarter of a checkout's CPU here (measured: 52 → 43 CPU-ms per
 * checkout with them switched off), mostly in generic wrapping, whether a trace is sampled or not.
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

const platformTracer = () => trace.getTracer('@cardshop/platform');

/**
 * Opens the server span of one HTTP request, continuing the caller's trace from `traceparent`,
 * and runs `next` (the rest of the request pipeline) inside it. The span ends when the response
 * has been sent (or the connection closed), with the status code and the matched route.
 */
export function traceHttpRequest(
  req: { method?: string; url?: string; headers: Record<string, string | string[] | undefined> },
  res: { statusCode: number; once(event: 'finish' | 'close', cb: () => void): unknown },
  route: () => string | undefined,
  next: (span: Span) => void,
): void {
  const parent = req.headers.traceparent ? propagation.extract(context.active(), req.headers, defaultTextMapGetter) : context.active();
  const span = platformTracer().startSpan(`${req.method} ${req.url?.split('?')[0] ?? ''}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? '' } }, parent);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    const r = route();
    if (r) span.updateName(`${req.method} ${r}`).setAttribute('http.route', r);
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  res.once('finish', end);
  res.once('close', end);
  context.with(trace.setSpan(parent, span), () => next(span));
}

/**
 * A client span for one SQL statement, child of the active span; none when no span is active
 * (pool housekeeping, boot). The statement text is recorded as written, with `$n` placeholders:
 * parameter values (emails, card keys, hashes) never reach a span.
 */
export function startSqlSpan(text: string): Span | undefined {
  const active = trace.getActiveSpan();
  if (!active || !active.isRecording()) return undefined;
  const verb = text.trimStart().split(/\s/, 1)[0].toUpperCase();
  return platformTracer().startSpan(`pg.query:${verb}`, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.query.text': text } });
}

/** Ends a span started by `startSqlSpan`, recording the statement's error if it failed. */
export function finishSqlSpan(span: Span, err?: Error | null): void {
  if (err) {
    span.recordException(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  }
  span.end();
}
