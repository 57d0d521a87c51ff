import type { PaymentSucceeded } from '@cardshop/contracts';
import { AppError } from '@cardshop/platform';
import { assertBalanced, platformFee, platformRevenue, providerClearing, sellerPending, type TransferDraft } from './ledger';

/**
 * A successful payment: the provider owes us the total (clearing debited), the seller is owed the
 * total less the platform fee (pending, until the holding period ends), the platform keeps the fee.
 */
export function paymentTransfer(evt: PaymentSucceeded, feeBps: number): TransferDraft {
  const total = evt.amount?.minorAmount ?? 0n;
  const currency = evt.amount?.currency ?? '';
  if (total <= 0n) throw new AppError('LEDGER.INVALID_AMOUNT', `payment ${evt.attemptId} has a non-positive amount`, 422);
  if (!/^[A-Z]{3,4}$/.test(currency)) throw new AppError('LEDGER.INVALID_CURRENCY', `payment ${evt.attemptId} has currency ${JSON.stringify(currency)}`, 422);
  for (const [name, v] of [['attemptId', evt.attemptId], ['sellerId', evt.sellerId], ['channel', evt.channel]] as const) {
    // ':' separates the parts of an account id, so it may not appear inside one.
    if (!v || v.includes(':') || v.length > 100) throw new AppError('LEDGER.INVALID_PAYMENT', `payment event has an invalid ${name}`, 422);
  }
  const fee = platformFee(total, feeBps);
  const entries = [
    { account: providerClearing(evt.channel, currency), amount: total },
    { account: sellerPending(evt.sellerId, currency), amount: -(total - fee) },
    { account: platformRevenue(currency), amount: -fee },
  ].filter((e) => e.amount !== 0n);
  const draft = { id: `payment:${evt.attemptId}`, orderId: evt.orderId, entries };
  assertBalanced(draft);
  return draft;
}
