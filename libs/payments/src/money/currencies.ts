/**
 * Minor-unit exponents of the currencies the mesh settles in. IDR is kept at 2 as ISO 4217
 * lists it, even though rupiah prices are usually shown without decimals; USDT uses 6 like the
 * TRC20/ERC20 token contracts.
 */
export const CURRENCY_EXPONENTS = {
  CNY: 2,
  USD: 2,
  EUR: 2,
  BRL: 2,
  INR: 2,
  MYR: 2,
  SGD: 2,
  PHP: 2,
  THB: 2,
  IDR: 2,
  JPY: 0,
  KRW: 0,
  VND: 0,
  USDT: 6,
} as const;

export type CurrencyCode = keyof typeof CURRENCY_EXPONENTS;

export function isSupportedCurrency(currency: string): currency is CurrencyCode {
  return Object.prototype.hasOwnProperty.call(CURRENCY_EXPONENTS, currency);
}

/** Digits after the decimal point; throws MoneyError for a currency the mesh does not know. */
export function currencyExponent(currency: string): number {
  if (!isSupportedCurrency(currency)) throw new MoneyError(`unsupported currency "${currency}"`);
  return CURRENCY_EXPONENTS[currency];
}

/** A programming or input fault in money arithmetic (never a float, never an unknown currency). */
export class MoneyError extends Error {
  readonly code = 'MONEY.INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'MoneyError';
  }
}
