import { currencyExponent, MoneyError } from './currencies';

/** An amount in integer minor units (fen, cents, 10^-6 USDT) of one currency. */
export interface Money {
  readonly minor: number;
  readonly currency: string;
}

function assertMinor(minor: number, what = 'minor'): void {
  if (!Number.isSafeInteger(minor)) throw new MoneyError(`${what} must be a safe integer, got ${minor}`);
}

/** Builds Money from integer minor units; rejects floats, unsafe integers and unknown currencies. */
export function money(minor: number, currency: string): Money {
  assertMinor(minor);
  currencyExponent(currency);
  return Object.freeze({ minor, currency });
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new MoneyError(`currency mismatch: ${a.currency} vs ${b.currency}`);
}

function checked(minor: number, currency: string): Money {
  if (!Number.isSafeInteger(minor)) throw new MoneyError('result exceeds the safe integer range');
  return money(minor, currency);
}

export const add = (a: Money, b: Money): Money => (sameCurrency(a, b), checked(a.minor + b.minor, a.currency));
export const subtract = (a: Money, b: Money): Money => (sameCurrency(a, b), checked(a.minor - b.minor, a.currency));

export function multiply(a: Money, factor: number): Money {
  assertMinor(factor, 'factor');
  return checked(a.minor * factor, a.currency);
}

export const equals = (a: Money, b: Money): boolean => a.currency === b.currency && a.minor === b.minor;

/**
 * `basisPoints`/10000 of an amount, rounded half-up (away from zero on exact halves, so
 * -0.5 → -1), computed with bigint so large amounts never lose precision. Fees use this:
 * 0.6 % of 0.83 CNY = 0.498 fen → 0 fen; of 0.84 CNY = 0.504 fen → 1 fen.
 */
export function percentOf(a: Money, basisPoints: number): Money {
  assertMinor(basisPoints, 'basisPoints');
  const product = BigInt(a.minor) * BigInt(basisPoints);
  const negative = product < 0n;
  const abs = negative ? -product : product;
  const rounded = (abs * 2n + 10000n) / 20000n;
  return checked(Number(negative ? -rounded : rounded), a.currency);
}

/** "88.88" for 8888 CNY fen; "-0.05"; "1000" for 1000 JPY. */
export function toDecimalString(a: Money): string {
  const exp = currencyExponent(a.currency);
  const digits = Math.abs(a.minor).toString();
  const sign = a.minor < 0 ? '-' : '';
  if (exp === 0) return sign + digits;
  const padded = digits.padStart(exp + 1, '0');
  return `${sign}${padded.slice(0, -exp)}.${padded.slice(-exp)}`;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Parses "88.88" as 8888 minor units exactly (string arithmetic, no floats). Fewer decimals are
 * padded ("88.8" → 8880); more decimals than the currency has are rejected, never rounded.
 */
export function fromDecimalString(text: string, currency: string): Money {
  const exp = currencyExponent(currency);
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new MoneyError(`"${text}" is not a decimal amount`);
  const [, sign, whole, fraction = ''] = m;
  if (fraction.length > exp) throw new MoneyError(`"${text}" has more than ${exp} decimals for ${currency}`);
  const digits = (whole + fraction.padEnd(exp, '0')).replace(/^0+(?=\d)/, '');
  const minor = Number(digits);
  if (!Number.isSafeInteger(minor)) throw new MoneyError(`"${text}" exceeds the safe integer range`);
  return money(sign === '-' && minor !== 0 ? -minor : minor, currency);
}
