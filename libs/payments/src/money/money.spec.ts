import fc from 'fast-check';
import { add, equals, fromDecimalString, money, MoneyError, multiply, percentOf, subtract, toDecimalString } from './index';
import { CURRENCY_EXPONENTS } from './currencies';

const currencies = Object.keys(CURRENCY_EXPONENTS);
const amount = fc.record({ minor: fc.integer({ min: -1e12, max: 1e12 }), currency: fc.constantFrom(...currencies) });

describe('money', () => {
  it.each([
    [8888, 'CNY', '88.88'],
    [5, 'CNY', '0.05'],
    [-5, 'USD', '-0.05'],
    [1000, 'JPY', '1000'],
    [1_500_000, 'USDT', '1.500000'],
  ])('formats %d %s as "%s"', (minor, currency, text) => {
    expect(toDecimalString(money(minor, currency))).toBe(text);
    expect(fromDecimalString(text, currency)).toEqual(money(minor, currency));
  });

  it('pads missing decimals and accepts no decimals', () => {
    expect(fromDecimalString('88.8', 'CNY').minor).toBe(8880);
    expect(fromDecimalString('88', 'CNY').minor).toBe(8800);
  });

  it.each([['88.888', 'CNY'], ['1.5', 'JPY'], ['1e3', 'CNY'], ['', 'CNY'], ['abc', 'CNY'], ['1.0', 'XXX']])(
    'rejects "%s" in %s instead of rounding or guessing',
    (text, currency) => expect(() => fromDecimalString(text, currency)).toThrow(MoneyError),
  );

  it('rejects floats and unsafe integers at construction', () => {
    expect(() => money(1.5, 'CNY')).toThrow(MoneyError);
    expect(() => money(Number.MAX_SAFE_INTEGER + 1, 'CNY')).toThrow(MoneyError);
    expect(() => money(NaN, 'CNY')).toThrow(MoneyError);
  });

  it('refuses to add different currencies', () => {
    expect(() => add(money(1, 'CNY'), money(1, 'USD'))).toThrow(MoneyError);
  });

  it('multiplies by integers only', () => {
    expect(multiply(money(250, 'CNY'), 3).minor).toBe(750);
    expect(() => multiply(money(250, 'CNY'), 1.5)).toThrow(MoneyError);
  });

  it.each([
    [83, 60, 0],
    [84, 60, 1],
    [10000, 250, 250],
    [50, 1000, 5],
    [5, 1000, 1], // 0.5 rounds half-up
    [-5, 1000, -1], // half away from zero
    [15, 1000, 2], // 1.5 → 2
  ])('percentOf(%d, %d bp) rounds half-up to %d', (minor, bp, expected) => {
    expect(percentOf(money(minor, 'CNY'), bp).minor).toBe(expected);
  });

  it('round-trips every amount through its decimal string', () => {
    fc.assert(fc.property(amount, (a) => equals(fromDecimalString(toDecimalString(a), a.currency), a)));
  });

  it('subtracting what was added gives the original amount', () => {
    fc.assert(
      fc.property(amount, fc.integer({ min: -1e12, max: 1e12 }), (a, b) => {
        const other = money(b, a.currency);
        return equals(subtract(add(a, other), other), a);
      }),
    );
  });
});
