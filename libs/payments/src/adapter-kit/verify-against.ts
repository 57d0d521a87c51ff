import { PaymentError } from './payment.error';
import type { PaymentSnapshot } from './payment-adapter.types';
import type { Money } from '../money';

/** What we asked the provider for; every response and notification is compared with it. */
export interface ExpectedPayment {
  merchantReference: string;
  amount: Money;
  /** When the attempt was made (epoch ms), as given to the provider at creation. */
  createdAtMs?: number;
}

export type IntegrityMismatch = { field: 'merchantReference' | 'amount' | 'currency'; expected: string; actual: string };

/**
 * Compares what a provider reported with what we asked for. Returns the first mismatch, or
 * null when reference, currency and amount all agree. Adapters call it before any event leaves
 * them, so a tampered or confused notification never moves money.
 */
export function verifyAgainst(expected: ExpectedPayment, actual: { merchantReference: string; amount: Money }): IntegrityMismatch | null {
  if (actual.merchantReference !== expected.merchantReference) {
    return { field: 'merchantReference', expected: expected.merchantReference, actual: actual.merchantReference };
  }
  if (actual.amount.currency !== expected.amount.currency) {
    return { field: 'currency', expected: expected.amount.currency, actual: actual.amount.currency };
  }
  if (actual.amount.minor !== expected.amount.minor) {
    return { field: 'amount', expected: String(expected.amount.minor), actual: String(actual.amount.minor) };
  }
  return null;
}

/** A provider answered about another payment, or another amount, than we asked about: a fault, never a status. */
export const integrityMismatch = (provider: string, field: string) =>
  new PaymentError('PAYMENT.INTEGRITY_MISMATCH', `${provider} answered with another ${field} than we asked for`, false);

/**
 * A provider's answer to a query, checked before anyone acts on it: it must name our reference,
 * and once it reports an amount, the amount we asked for. `fields` are the provider's names for
 * the two (`out_trade_no`, `total_amount`), so the fault says which field disagreed.
 */
export function checkedSnapshot(provider: string, asked: ExpectedPayment, snap: PaymentSnapshot, fields: { reference: string; amount: string }): PaymentSnapshot {
  if (snap.merchantReference !== asked.merchantReference) throw integrityMismatch(provider, fields.reference);
  if (snap.amount && verifyAgainst(asked, { merchantReference: snap.merchantReference, amount: snap.amount })) throw integrityMismatch(provider, fields.amount);
  return snap;
}
