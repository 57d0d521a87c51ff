import type { PaymentRefunded } from '@cardshop/contracts';
import { AppError } from '@cardshop/platform';
import { assertBalanced, platformFee, platformRevenue, providerClearing, sellerPending, type TransferDraft } from './ledger';

/**
 * A refund reverses its share of the sale: the provider clearing account gives the money back,
 * the seller's pending balance and the platform's fee shrink in the sale's proportions (the fee
 * on the refunded amount, computed as for the sale, so a full refund undoes the sale exactly).
 */
export function refundTransfer(evt: PaymentRefunded, feeBps: number): TransferDraft {
  const amount = evt.amount?.minorAmount ?? 0n;
  const currency = evt.amount?.currency ?? '';
  if (amount <= 0n) throw new AppError('LEDGER.INVALID_AMOUNT', `refund ${evt.refundId} has a non-positive amount`, 422);
  if (!/^[A-Z]{3,4}$/.test(currency)) throw new AppError('LEDGER.INVALID_CURRENCY', `refund ${evt.refundId} has currency ${JSON.stringify(currency)}`, 422);
  for (const [name, v] of [['refundId', evt.refundId], ['sellerId', evt.sellerId], ['channel', evt.channel]] as const) {
    if (!v || (name !== 'refundId' && v.includes(':')) || v.length > 100) throw new AppError('LEDGER.INVALID_REFUND', `refund event has an invalid ${name}`, 422);
  }
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
