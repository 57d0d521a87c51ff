import { OrderStatus } from '@cardshop/contracts';

/** Order states as stored (and as the public API names them). */
export type OrderState =
  | 'awaiting_payment' | 'paid' | 'paid_awaiting_stock' | 'delivered' | 'completed'
  | 'expired' | 'cancelled' | 'refunded' | 'partially_refunded';

/**
 * Every allowed transition, and nothing else. SQL updates name the states they may leave
 * (`WHERE status = ANY(fromStatesInto(x))`) so concurrent writers cannot skip a step.
 */
export const TRANSITIONS: Readonly<Record<OrderState, readonly OrderState[]>> = {
  awaiting_payment: ['paid', 'expired', 'cancelled'],
  paid: ['delivered', 'paid_awaiting_stock', 'refunded'],
  paid_awaiting_stock: ['delivered', 'refunded'],
  delivered: ['completed', 'refunded', 'partially_refunded'],
  completed: ['refunded', 'partially_refunded'],
  // Paid after expiry: the keys are taken from the shelf again, or the order waits for stock.
  expired: ['paid'],
  cancelled: [],
  refunded: [],
  partially_refunded: ['refunded'],
};

export const canTransition = (from: OrderState, to: OrderState) => TRANSITIONS[from].includes(to);

/** The states from which `to` may be entered. */
export const fromStatesInto = (to: OrderState): OrderState[] =>
  (Object.keys(TRANSITIONS) as OrderState[]).filter((from) => TRANSITIONS[from].includes(to));

const TO_PROTO: Record<OrderState, OrderStatus> = {
  awaiting_payment: OrderStatus.AWAITING_PAYMENT,
  paid: OrderStatus.PAID,
  paid_awaiting_stock: OrderStatus.PAID_AWAITING_STOCK,
  delivered: OrderStatus.DELIVERED,
  completed: OrderStatus.COMPLETED,
  expired: OrderStatus.EXPIRED,
  cancelled: OrderStatus.CANCELLED,
  refunded: OrderStatus.REFUNDED,
  partially_refunded: OrderStatus.PARTIALLY_REFUNDED,
};
export const toProtoStatus = (s: OrderState): OrderStatus => TO_PROTO[s];
