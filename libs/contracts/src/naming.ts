import type { DescMessage, DescMethod } from '@bufbuild/protobuf';

// The one place NATS subjects, stream names and durable names are derived from contract types,
// so that a publisher and a subscriber can never disagree about a hand-typed string.

// A NATS token: no dots (they separate tokens), no wildcards, no whitespace. Also safe inside
// JetStream stream and durable names.
const TOKEN = /^[A-Za-z0-9_-]+$/;

function assertToken(value: string, what: string): string {
  if (!TOKEN.test(value)) {
    throw new TypeError(`${what} must be a NATS token of letters, digits, "_" or "-", got ${JSON.stringify(value)}`);
  }
  return value;
}

// A pattern is a dotted type name such as `orders.v1.OrderPlaced`: every part must be a token.
function assertPattern(pattern: string): string {
  const parts = pattern.split('.');
  if (parts.length < 3) throw new TypeError(`pattern must look like "<context>.v1.<Name>", got ${JSON.stringify(pattern)}`);
  parts.forEach((part) => assertToken(part, 'each part of a pattern'));
  return pattern;
}

/** The Nest `@EventPattern` of an event: its full type name, e.g. `orders.v1.OrderPlaced`. */
export function patternOfEvent(schema: DescMessage): string {
  return schema.typeName;
}

/**
 * The Nest `@MessagePattern` of an rpc, e.g. `catalog.v1.CatalogService.ReserveKeys`. A qualifier
 * routes to one implementation among several (a provider adapter):
 * `payments.v1.PaymentProviderService.CreatePayment.alipay`.
 */
export function patternOfMethod(method: DescMethod, qualifier?: string): string {
  const base = `${method.parent.typeName}.${method.name}`;
  return qualifier === undefined ? base : `${base}.${assertToken(qualifier, 'qualifier')}`;
}

/** The subject an event is published on: `${ns}.evt.${pattern}`. */
export function eventSubject(ns: string, pattern: string): string {
  return `${assertToken(ns, 'namespace')}.evt.${assertPattern(pattern)}`;
}

/** The subject an rpc request is sent to: `${ns}.rpc.${pattern}`. */
export function rpcSubject(ns: string, pattern: string): string {
  return `${assertToken(ns, 'namespace')}.rpc.${assertPattern(pattern)}`;
}

/** The bounded context that owns a pattern: its first part (`orders.v1.OrderPlaced` → `orders`). */
export function contextOfPattern(pattern: string): string {
  return assertPattern(pattern).split('.')[0];
}

function streamToken(value: string): string {
  return value.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** The JetStream stream holding one context's events, e.g. `CARDSHOP_EVT_ORDERS`. */
export function eventStreamName(ns: string, context: string): string {
  return `${streamToken(assertToken(ns, 'namespace'))}_EVT_${streamToken(assertToken(context, 'context'))}`;
}

/** The subjects of one context's event stream: every event of that context. */
export function eventStreamSubjects(ns: string, context: string): string[] {
  return [`${assertToken(ns, 'namespace')}.evt.${assertToken(context, 'context')}.>`];
}

/** Where a consumer parks an event it gave up on: `${ns}.dlq.${consumer}.${pattern}`. */
export function deadLetterSubject(ns: string, consumer: string, pattern: string): string {
  return `${assertToken(ns, 'namespace')}.dlq.${assertToken(consumer, 'consumer')}.${assertPattern(pattern)}`;
}

/** The one stream of a namespace that keeps every dead letter, e.g. `CARDSHOP_DLQ`. */
export function deadLetterStreamName(ns: string): string {
  return `${streamToken(assertToken(ns, 'namespace'))}_DLQ`;
}

/** The subjects of the dead-letter stream. */
export function deadLetterStreamSubjects(ns: string): string[] {
  return [`${assertToken(ns, 'namespace')}.dlq.>`];
}

/**
 * The durable consumer name of one service's subscription to one event pattern, e.g.
 * `orders__payments_v1_PaymentSucceeded`. JetStream forbids dots in durable names; the double
 * underscore keeps the service part readable and unambiguous.
 */
export function consumerName(service: string, pattern: string): string {
  return `${assertToken(service, 'service')}__${assertPattern(pattern).replace(/\./g, '_')}`;
}
