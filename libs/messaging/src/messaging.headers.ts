import { randomUUID } from 'node:crypto';
import { context, createContextKey, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

/** Header names on the wire; `HEADERS.md` beside this library is the written contract. */
export const HEADER = {
  msgId: 'Nats-Msg-Id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  correlationId: 'Cardshop-Correlation-Id',
  causationId: 'Cardshop-Causation-Id',
  messageId: 'Cardshop-Message-Id',
  reply: 'Cardshop-Reply',
  error: 'Cardshop-Error',
  errorCode: 'Cardshop-Error-Code',
  originalSubject: 'Cardshop-Original-Subject',
  deliveryCount: 'Cardshop-Delivery-Count',
} as const;

/** What the message being handled right now passes on to the messages it causes. */
export interface MessageScope {
  /** Shared by every message of one business flow (e.g. one checkout). */
  correlationId: string;
  /** Id of the message being handled; becomes the causation id of messages sent from here. */
  messageId?: string;
}

/**
 * The scope travels in the OpenTelemetry context, beside the active span, rather than in an
 * AsyncLocalStorage of its own: on Node 20 every AsyncLocalStorage in use adds work to the creation
 * of every promise in the process, and one is already there for the spans.
 */
const SCOPE = createContextKey('cardshop.message-scope');

/**
 * Scopes need a context manager even where no tracing SDK registered one (OTEL_SDK_DISABLED, tests
 * without the telemetry preload); where one is registered (services preload it) that one is used.
 */
function ensureContextManager(): void {
  const manager = new AsyncLocalStorageContextManager();
  if (!context.setGlobalContextManager(manager.enable())) manager.disable();
}
ensureContextManager();

/**
 * Runs `fn` with a message scope, so requests and outbox events started inside it carry its
 * correlation id and name its message as their cause. The server does this for every handler;
 * an HTTP entry point may do it with the request's own correlation id.
 */
export function runInMessageScope<T>(scope: MessageScope, fn: () => T): T {
  return context.with(context.active().setValue(SCOPE, scope), fn);
}

/** The scope of the message being handled, if any. */
export function currentMessageScope(): MessageScope | undefined {
  return context.active().getValue(SCOPE) as MessageScope | undefined;
}

/**
 * Headers every outgoing message carries: W3C trace context from the active OpenTelemetry
 * context, the correlation id of the current scope (a new one at the start of a flow) and the
 * current message as the causation id.
 */
export function outgoingHeaders(overrides?: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  propagation.inject(context.active(), out);
  const scope = currentMessageScope();
  out[HEADER.correlationId] = scope?.correlationId ?? randomUUID();
  if (scope?.messageId) out[HEADER.causationId] = scope.messageId;
  return overrides ? Object.assign(out, overrides) : out;
}
