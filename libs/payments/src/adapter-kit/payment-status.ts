/**
 * The unified lifecycle every adapter maps its provider's states onto.
 * - `pending`: created at the provider, the buyer has not paid (or the provider has no record
 *   yet because the buyer has not opened the payment, e.g. Alipay before the QR is scanned).
 * - `requires_action`: the buyer must do something we cannot see (3-D Secure, app approval).
 * - `succeeded`: money was taken; final unless refunded later.
 * - `failed`: the provider refused the payment; a decline says why.
 * - `cancelled`: closed before payment (by us, the buyer, or expiry).
 * - `refunded`: paid, then fully refunded.
 * - `not_found`: the provider does not know the reference at all.
 */
export const PAYMENT_STATUSES = ['pending', 'requires_action', 'succeeded', 'failed', 'cancelled', 'refunded', 'not_found'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** States after which the provider will not move the payment on its own. */
export const isFinalStatus = (s: PaymentStatus): boolean => s === 'succeeded' || s === 'failed' || s === 'cancelled' || s === 'refunded';
