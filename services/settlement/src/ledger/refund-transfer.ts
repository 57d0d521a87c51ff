import type { PaymentRefunded } from '@cardshop/contracts';
import { AppError } from '@cardshop/platform';
import { assertBalanced, checkedPosting, clearingName, platformFee, platformRevenue, providerClearing, sellerPending, type TransferDraft } from './ledger';

/**
 * A refund reverses its share of the sale: the provider clearing account gives the money back,
 * the seller's pending balance and the platform's fee shrink in the sale's proportions (the fee
 * on the refunded amount, computed as for the sale, so a full refund undoes the sale exactly).
 */
export function refundTransfer(evt: PaymentRefunded, feeBps: number): TransferDraft {
  // The refund id names the transfer, not an account: it may hold ':'.
  if (!evt.refundId || evt.refundId.length > 100) throw new AppError('LEDGER.INVALID_REFUND', 'refund event has an invalid refundId', 422);
  const { total: amount, currency } = checkedPosting('REFUND', `refund ${evt.refundId}`, evt.amount, { sellerId: evt.sellerId, channel: clearingName(evt.channel) });
  const fee = platformFee(amount, feeBps);
  const entries = [
    { account: providerClearing(evt.channel, currency), amount: -amount },
    { account: sellerPending(evt.sellerId, currency), amount: amount - fee },
    { account: platformRevenue(currency), amount: fee },
  ].filter((e) => e.amount !== 0n);
  const draft = { id: `refund:${evt.refundId}`, orderId: evt.orderId, entries };
  assertBalanced(draft);
  return draft;
}
