import type { DescMessage, DescMethod, DescService } from '@bufbuild/protobuf';
import type { GenFile } from '@bufbuild/protobuf/codegenv2';
import { file_catalog_v1_events } from './gen/catalog/v1/events_pb';
import { CatalogService } from './gen/catalog/v1/catalog_service_pb';
import { file_orders_v1_events } from './gen/orders/v1/events_pb';
import { OrdersService } from './gen/orders/v1/orders_service_pb';
import { file_payments_v1_events } from './gen/payments/v1/events_pb';
import { PaymentsService } from './gen/payments/v1/payments_service_pb';
import { PaymentProviderService } from './gen/payments/v1/payment_provider_service_pb';
import { file_risk_v1_events } from './gen/risk/v1/events_pb';
import { RiskService } from './gen/risk/v1/risk_service_pb';
import { file_routing_v1_events } from './gen/routing/v1/events_pb';
import { RoutingService } from './gen/routing/v1/routing_service_pb';
import { file_settlement_v1_events } from './gen/settlement/v1/events_pb';
import { SettlementService } from './gen/settlement/v1/settlement_service_pb';
import { contextOfPattern, patternOfEvent, patternOfMethod } from './naming';

// Every events.proto holds only events (shared types live beside it), so "an event" is simply
// "a message declared in an events.proto file"; adding one there is enough to register it.
const eventFiles: readonly GenFile[] = [
  file_catalog_v1_events,
  file_orders_v1_events,
  file_payments_v1_events,
  file_risk_v1_events,
  file_routing_v1_events,
  file_settlement_v1_events,
];

/** Every rpc service; each method is a NATS request/reply subject. */
export const services: readonly DescService[] = [
  CatalogService,
  OrdersService,
  PaymentsService,
  PaymentProviderService,
  RiskService,
  RoutingService,
  SettlementService,
];

/** Every event schema, in a stable order. */
export const eventSchemas: readonly DescMessage[] = eventFiles.flatMap((file) => file.messages);

/** The contexts that publish events; each has one event stream. */
export const eventContexts: readonly string[] = [...new Set(eventSchemas.map((s) => contextOfPattern(patternOfEvent(s))))];

const eventsByPattern = new Map(eventSchemas.map((s) => [patternOfEvent(s), s] as const));
const methodsByPattern = new Map(
  services.flatMap((service) => service.methods.map((m) => [patternOfMethod(m), m] as const)),
);

/** The event schema of a pattern such as `orders.v1.OrderPlaced`, or undefined if none. */
export function eventSchemaByPattern(pattern: string): DescMessage | undefined {
  return eventsByPattern.get(pattern);
}

/**
 * The rpc of a pattern, with or without a qualifier: `...PaymentProviderService.CreatePayment`
 * and `...CreatePayment.alipay` both give CreatePayment. Undefined if none.
 */
export function methodByPattern(pattern: string): DescMethod | undefined {
  // `<package>.<version>.<Service>.<Method>` has four parts; a fifth is the qualifier.
  return methodsByPattern.get(pattern.split('.').slice(0, 4).join('.'));
}
