import { create } from '@bufbuild/protobuf';
import { BalanceSchema, type Balance } from '@cardshop/contracts';

/**
 * Balances from the seller's pending sums. Everything is pending for now: money becomes
 * available after the holding period (a later issue), and there are no withdrawals yet.
 */
export function toBalances(pending: { currency: string; pending: bigint }[]): Balance[] {
  return pending
    .filter((p) => p.pending !== 0n)
    .map((p) => create(BalanceSchema, { currency: p.currency, pending: p.pending, available: 0n, withdrawing: 0n }));
}
