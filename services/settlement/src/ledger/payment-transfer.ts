import type { PaymentSucceeded } from '@cardshop/contracts';
import { assertBalanced, checkedPosting, clearingName, platformFee, platformRevenue, providerClearing, sellerPending, type TransferDraft } from './ledger';

/**
 * A successful payment: the provider owes us the total (clearing debited), the seller is owed the
 * total less the platform fee (pending, until the holding period ends), the platform keeps the fee.
 */
export function paymentTransfer(evt: PaymentSucceeded, feeBps: number): TransferDraft {
  const { total, currency } = checkedPosting('PAYMENT', `payment ${evt.attemptId}`, evt.amount, { attemptId: evt.attemptId, sellerId: evt.sellerId, channel: clearingName(evt.channel) });
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
