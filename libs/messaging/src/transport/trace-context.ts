import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type TextMapGetter } from '@opentelemetry/api';
import type { MsgHdrs } from 'nats';

const tracer = trace.getTracer('@cardshop/messaging');

const natsGetter: TextMapGetter<MsgHdrs | undefined> = {
  keys: (carrier) => (carrier ? carrier.keys() : []),
  get: (carrier, key) => (carrier?.has(key) ? carrier.get(key) : undefined),
};

/**
 * Runs `fn` inside a span whose parent is the trace context carried by `headers`, so one trace
 * follows a flow across services. Without an OpenTelemetry SDK registered this costs nothing.
 */
export async function inSpan<T>(name: string, kind: SpanKind, headers: MsgHdrs | undefined, fn: () => Promise<T>): Promise<T> {
  const parent = headers ? propagation.extract(ROOT_CONTEXT, headers, natsGetter) : context.active();
  return tracer.startActiveSpan(name, { kind }, parent, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Runs `fn` inside a client/producer span of the active context. */
export function inClientSpan<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return inSpan(name, SpanKind.CLIENT, undefined, fn);
}
