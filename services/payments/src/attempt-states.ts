/**
 * The attempt state machine, in one table. Every status change in payments is a conditional
 * UPDATE whose `WHERE status = ANY(…)` comes from `from(to)`, so a late or out-of-order provider
 * event (a `closed` after `success`, a failure after a refund) matches no row and changes nothing.
 *
 *   pending ─┬─> requires_action ─┬─> processing ─┬─> succeeded ─> partially_refunded ─> refunded
 *            │                    │               │        └──────────────────────────────┘
 *            └────────────────────┴───────────────┴─> failed | cancelled | expired ─> succeeded (money arrived after all)
 */
export type AttemptState =
  | 'pending' | 'requires_action' | 'processing' | 'succeeded' | 'failed' | 'cancelled' | 'expired' | 'refunded' | 'partially_refunded';

export const ATTEMPT_TRANSITIONS: Readonly<Record<AttemptState, readonly AttemptState[]>> = {
  pending: ['requires_action', 'processing', 'succeeded', 'failed', 'cancelled', 'expired'],
  requires_action: ['processing', 'succeeded', 'failed', 'cancelled', 'expired'],
  processing: ['succeeded', 'failed', 'cancelled', 'expired'],
  // Money we hold can only go back, in part or in full.
  succeeded: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  // The provider took the money after the attempt ended here (buyer paid a lapsing QR): we honour
  // the payment and the order decides to deliver or refund; nothing else leaves these states.
  failed: ['succeeded'],
  cancelled: ['succeeded'],
  expired: ['succeeded'],
  refunded: [],
};

/** The provider took the money (some may have gone back since): what refunds draw on. */
export const PAID_STATES: readonly AttemptState[] = ['succeeded', 'partially_refunded', 'refunded'];

/** Still waiting for the buyer or the provider: these are polled and may be resumed. */
export const OPEN_STATES: readonly AttemptState[] = ['pending', 'requires_action', 'processing'];

const FROM = new Map<AttemptState, AttemptState[]>();
for (const [from, tos] of Object.entries(ATTEMPT_TRANSITIONS) as [AttemptState, readonly AttemptState[]][]) {
  for (const to of tos) FROM.set(to, [...(FROM.get(to) ?? []), from]);
}

/** The states an attempt may be in to move to `to`; the `status = ANY($n)` of every UPDATE. */
export function from(to: AttemptState): AttemptState[] {
  return FROM.get(to) ?? [];
}

export function canMove(a: AttemptState, b: AttemptState): boolean {
  return ATTEMPT_TRANSITIONS[a].includes(b);
}
