import { DECLINE_CODES, decline, explainDecline, type DeclineCode } from './decline-codes';

const CODES = Object.keys(DECLINE_CODES) as DeclineCode[];

describe('decline explanations', () => {
  it('every code has a cause and remedies in English and Chinese, with the channel placeholder where it suggests channels', () => {
    for (const code of CODES) {
      for (const lang of ['en', 'zh'] as const) {
        const t = DECLINE_CODES[code][lang];
        expect(t.cause.length).toBeGreaterThan(1);
        expect(t.remedyAlone).not.toContain('{alternatives}');
        if (code !== 'duplicate') expect(t.remedy).toContain('{alternatives}');
      }
    }
  });

  it('names the router’s next-best channels in the buyer’s language', () => {
    expect(explainDecline('insufficient_funds', ['unionpay', 'usdt_trc20'], 'zh')).toEqual({ cause: '余额不足', remedy: '请充值，或换用云闪付或USDT（TRC20）支付' });
    expect(explainDecline('insufficient_funds', ['unionpay', 'usdt_trc20', 'paypal'], 'en')).toEqual({
      cause: 'The balance or card limit was too low for this amount.', remedy: 'Top up, or pay with UnionPay or USDT (TRC20) instead.',
    });
  });

  it('says nothing about other channels when the router has none, and treats unknown codes as unknown', () => {
    expect(explainDecline('risk_rejected', [], 'en').remedy).toBe('Contact support if it keeps happening.');
    expect(explainDecline('no_such_code', ['alipay'], 'zh')).toEqual({ cause: DECLINE_CODES.unknown.zh.cause, remedy: '请重试，或换用支付宝' });
  });

  it('keeps the provider code for support', () => {
    expect(decline('insufficient_funds', 'ACQ.BUYER_BALANCE_NOT_ENOUGH')).toMatchObject({ code: 'insufficient_funds', providerCode: 'ACQ.BUYER_BALANCE_NOT_ENOUGH' });
  });
});
