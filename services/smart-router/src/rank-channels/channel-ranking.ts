import { isSupportedCurrency, toDecimalString } from '@cardshop/payments';

/** One row of the channel catalogue. */
export interface Channel {
  name: string;
  currencies: string[];
  /** ISO alpha-2 codes; empty means every country. */
  countries: string[];
  minMinor: bigint;
  maxMinor: bigint;
  enabled: boolean;
}

export interface RankInput {
  /** Upper-case alpha-2, or '' when unknown. */
  country: string;
  amountMinor: bigint;
  currency: string;
}

export interface Ranked {
  channel: string;
  score: number;
  recommended: boolean;
  reasons: string[];
}

export type Priorities = Readonly<Record<string, readonly string[]>>;

const show = (minor: bigint, currency: string) =>
  isSupportedCurrency(currency) && minor <= BigInt(Number.MAX_SAFE_INTEGER) ? toDecimalString({ minor: Number(minor), currency }) : `${minor} minor units`;

const eligible = (c: Channel, p: RankInput) =>
  c.enabled && c.currencies.includes(p.currency) && p.amountMinor >= c.minMinor && p.amountMinor <= c.maxMinor
  && (c.countries.length === 0 || c.countries.includes(p.country));

/**
 * Eligibility (enabled, currency, amount limits, country) → the configured order for the buyer's
 * country (else `*`; unlisted channels after listed ones, by name) → a score from 1 down.
 * Ineligible channels are left out.
 */
export function rankChannels(channels: readonly Channel[], p: RankInput, priorities: Priorities): Ranked[] {
  const key = p.country && priorities[p.country] ? p.country : '*';
  const order = priorities[key] ?? [];
  const place = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  const usable = channels.filter((c) => eligible(c, p)).sort((a, b) => place(a.name) - place(b.name) || a.name.localeCompare(b.name));
  const where = key === '*' ? (p.country ? `${p.country} (default order)` : 'any country') : key;
  return usable.map((c, i) => ({
    channel: c.name,
    score: Number((1 - i / usable.length).toFixed(4)),
    recommended: i === 0,
    reasons: [
      order.includes(c.name) ? `priority ${place(c.name) + 1} for ${where}` : `no priority set for ${where}`,
      `accepts ${p.currency}`,
      `amount within ${show(c.minMinor, p.currency)}–${show(c.maxMinor, p.currency)}`,
      ...(c.countries.length ? [`available in ${p.country}`] : []),
    ],
  }));
}
