import { Decision } from '@cardshop/contracts';
import { evaluate, rollingHourCount, type RiskLimits } from './risk.rules';
import { emailHash } from './email-hash';

const limits: RiskLimits = { maxOrderMinor: { CNY: 500_000, USDT: 100_000_000 }, defaultMaxOrderMinor: 100_000, emailHourlyLimit: 20 };

describe('evaluate', () => {
  it.each([
    // rule, amount, currency, attempts this hour, decision, reason codes
    ['an order at the currency limit is allowed', 500_000n, 'CNY', 1, Decision.ALLOW, ['WITHIN_LIMITS']],
    ['an order one unit over the currency limit is blocked', 500_001n, 'CNY', 1, Decision.BLOCK, ['AMOUNT_LIMIT']],
    ['USDT uses its own limit (6 decimals)', 100_000_000n, 'USDT', 1, Decision.ALLOW, ['WITHIN_LIMITS']],
    ['a currency without a limit uses the default limit', 100_001n, 'BRL', 1, Decision.BLOCK, ['AMOUNT_LIMIT']],
    ['the default limit itself is allowed', 100_000n, 'BRL', 1, Decision.ALLOW, ['WITHIN_LIMITS']],
    ['the 20th attempt of an email in an hour is allowed', 100n, 'CNY', 20, Decision.ALLOW, ['WITHIN_LIMITS']],
    ['the 21st attempt of an email in an hour is blocked', 100n, 'CNY', 21, Decision.BLOCK, ['EMAIL_VELOCITY']],
    ['both rules firing give both reasons', 900_000n, 'CNY', 30, Decision.BLOCK, ['AMOUNT_LIMIT', 'EMAIL_VELOCITY']],
  ])('%s', (_rule, amountMinor, currency, attempts, decision, codes) => {
    const v = evaluate({ amountMinor, currency, emailAttemptsLastHour: attempts }, limits);
    expect(v.decision).toBe(decision);
    expect(v.reasons.map((r) => r.code)).toEqual(codes);
  });

  it('the velocity reason states the count and the limit', () => {
    const [reason] = evaluate({ amountMinor: 1n, currency: 'CNY', emailAttemptsLastHour: 21 }, limits).reasons;
    expect(reason.message).toMatch(/21 .*limit of 20/);
  });
});

describe('rollingHourCount', () => {
  it.each([
    [5, 40, 0, 45], // start of the hour: all of last hour still counts
    [5, 40, 1800, 25], // half-way: half of last hour counts
    [5, 40, 3599, 5], // end of the hour: almost none
    [1, 0, 1200, 1],
  ])('this hour %p, last hour %p, %p s into the hour → %p', (cur, prev, secs, expected) => {
    expect(rollingHourCount(cur, prev, secs)).toBe(expected);
  });
});

describe('emailHash', () => {
  it('an email is the same buyer whatever its case and surrounding spaces, and is not stored in plaintext', () => {
    expect(emailHash('  Buyer@Example.COM ').equals(emailHash('buyer@example.com'))).toBe(true);
    expect(emailHash('buyer@example.com').toString('latin1')).not.toContain('buyer');
  });
});
