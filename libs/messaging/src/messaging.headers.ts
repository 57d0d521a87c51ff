import { randomUUID } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, propagation } from '@opentelemetry/api';

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

const scopes = new AsyncLocalStorage<MessageScope>();

/**
 * Runs `fn` with a message scope, so requests and outbox events started inside it carry its
 * correlation id and name its message as their cause. The server does this for every handler;
 * an HTTP entry point may do it with the request's own correlation id.
 */
export function runInMessageScope<T>(scope: MessageScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/** The scope of the message being handled, if any. */
export function currentMessageScope(): MessageScope | undefined {
  return scopes.getStore();
}

/**
 * Headers every outgoing message carries: W3C trace context from the active OpenTelemetry
 * context, the correlation id of the current scope (a new one at the start of a flow) and the
 * current message as the causation id.
 */
export function outgoingHeaders(overrides?: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  propagation.inject(context.active(), out);
  const scope = scopes.getStore();
  out[HEADER.correlationId] = scope?.correlationId ?? randomUUID();
  if (scope?.messageId) out[HEADER.causationId] = scope.messageId;
  return overrides ? Object.assign(out, overrides) : out;
}
