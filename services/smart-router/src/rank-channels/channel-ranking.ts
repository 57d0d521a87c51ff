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
  /** How the buyer pays: `qr` (scanned with another device), `redirect`, `deeplink`, … */
  flows: string[];
}

export interface RankInput {
  /** Upper-case alpha-2, or '' when unknown. */
  country: string;
  /** `desktop`, `mobile`, `ios`, `android`, or '' when unknown (treated as desktop). */
  device?: string;
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

const isPhone = (device: string | undefined) => device === 'mobile' || device === 'ios' || device === 'android';
/** On a phone a QR shown on the same screen cannot be scanned: channels that open there come first. */
const opensOnPhone = (c: Channel) => c.flows.some((f) => f !== 'qr');

/**
 * Eligibility (enabled, currency, amount limits, country) → on a phone, channels that open on it
 * (redirect, deeplink) before QR-only ones → the configured order for the buyer's country (else
 * `*`; unlisted channels after listed ones, by name) → a score from 1 down. Ineligible channels
 * are left out.
 */
export function rankChannels(channels: readonly Channel[], p: RankInput, priorities: Priorities): Ranked[] {
  const key = p.country && priorities[p.country] ? p.country : '*';
  const order = priorities[key] ?? [];
  const place = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  const phone = isPhone(p.device);
  const devicePlace = (c: Channel) => (phone && !opensOnPhone(c) ? 1 : 0);
  const usable = channels.filter((c) => eligible(c, p)).sort((a, b) => devicePlace(a) - devicePlace(b) || place(a.name) - place(b.name) || a.name.localeCompare(b.name));
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
      ...(phone ? [opensOnPhone(c) ? 'opens on the phone' : 'QR only: needs a second device to scan'] : []),
    ],
  }));
}
