import { AppError } from '@cardshop/platform';

export type AccountKind = 'seller_pending' | 'provider_clearing' | 'platform_revenue';

export interface Account {
  id: string;
  kind: AccountKind;
  /** Whose account it is (seller id, provider channel); empty for the platform's own. */
  owner: string;
  currency: string;
}

/** One ledger line: debit positive, credit negative, integer minor units. */
export interface Entry {
  account: Account;
  amount: bigint;
}

/** A transfer about to be posted; `id` is its idempotency key. */
export interface TransferDraft {
  id: string;
  orderId: string;
  entries: Entry[];
}

export const sellerPending = (sellerId: string, currency: string): Account => ({ id: `seller_pending:${sellerId}:${currency}`, kind: 'seller_pending', owner: sellerId, currency });
/**
 * ':' separates the parts of an account id, and sub-channels use it too (`epay:alipay`): in an
 * account id a channel's ':' becomes '.', so `epay:alipay` clears on `provider_clearing:epay.alipay:CNY`.
 */
export const clearingName = (channel: string) => channel.replaceAll(':', '.');
export const providerClearing = (channel: string, currency: string): Account => ({ id: `provider_clearing:${clearingName(channel)}:${currency}`, kind: 'provider_clearing', owner: channel, currency });
export const platformRevenue = (currency: string): Account => ({ id: `platform_revenue:${currency}`, kind: 'platform_revenue', owner: '', currency });

/**
 * Refuses a transfer that does not sum to zero in every currency (or has an empty or zero line)
 * before anything is written. The database checks the same rule again at commit.
 */
export function assertBalanced(t: TransferDraft): void {
  if (t.entries.length < 2) throw new AppError('LEDGER.UNBALANCED', `transfer ${t.id} needs at least two entries`, 422);
  const sums = new Map<string, bigint>();
  for (const e of t.entries) {
    if (e.amount === 0n) throw new AppError('LEDGER.UNBALANCED', `transfer ${t.id} has a zero entry on ${e.account.id}`, 422);
    sums.set(e.account.currency, (sums.get(e.account.currency) ?? 0n) + e.amount);
  }
  for (const [currency, sum] of sums) {
    if (sum !== 0n) throw new AppError('LEDGER.UNBALANCED', `transfer ${t.id} sums to ${sum} in ${currency}, not 0`, 422, false, { currency, sum: sum.toString() });
  }
}

/** `bps`/10000 of a non-negative amount, rounded half-up in integer arithmetic (never a float). */
export function platformFee(total: bigint, bps: number): bigint {
  if (total < 0n) throw new AppError('LEDGER.INVALID_AMOUNT', 'a fee is taken on a non-negative amount only', 422);
  if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) throw new AppError('LEDGER.INVALID_FEE', 'fee basis points must be an integer 0..10000', 422);
  return (total * BigInt(bps) + 5_000n) / 10_000n;
}

/**
 * The checks every posting event passes before anything is posted: a positive amount in an
 * upper-case currency code, and ids that can be parts of account ids (no ':', at most 100
 * characters). Returns the amount and currency; throws a 422 naming the event and the field.
 */
export function checkedPosting(
  kind: 'PAYMENT' | 'REFUND',
  what: string,
  amount: { minorAmount: bigint; currency: string } | undefined,
  ids: Record<string, string>,
): { total: bigint; currency: string } {
  const total = amount?.minorAmount ?? 0n;
  const currency = amount?.currency ?? '';
  if (total <= 0n) throw new AppError('LEDGER.INVALID_AMOUNT', `${what} has a non-positive amount`, 422);
  if (!/^[A-Z]{3,4}$/.test(currency)) throw new AppError('LEDGER.INVALID_CURRENCY', `${what} has currency ${JSON.stringify(currency)}`, 422);
  for (const [name, v] of Object.entries(ids)) {
    // ':' separates the parts of an account id, so it may not appear inside one.
    if (!v || v.includes(':') || v.length > 100) throw new AppError(`LEDGER.INVALID_${kind}`, `${kind.toLowerCase()} event has an invalid ${name}`, 422);
  }
  return { total, currency };
}
