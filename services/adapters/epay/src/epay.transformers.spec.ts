import fc from 'fast-check';
import { DECLINE_CODES } from '@cardshop/payments';
import { EPAY_ERRORS, mapEpayError } from './epay.errors';
import { deviceOf, fromOrderResponse, parseYuan, toMapiForm, toYuan, typeOfChannel } from './epay.transformers';

describe('epay amounts', () => {
  it.each([
    ['9.90', 990],
    ['9.9', 990],
    ['10', 1000],
    ['0.01', 1],
    ['88.88', 8888],
  ])('reads "%s" as %d fen', (text, minor) => {
    expect(parseYuan(text)).toEqual({ minor, currency: 'CNY' });
  });

  it.each(['9.999', '-1', '1e3', ' 9.90', '9.', '.5', '', '0x10', '１０'])('refuses "%s" instead of rounding or guessing', (text) => {
    expect(parseYuan(text)).toBeNull();
  });

  it('refuses what is not a string', () => {
    expect(parseYuan(9.9)).toBeNull();
    expect(parseYuan(undefined)).toBeNull();
  });

  it('round-trips every fen amount through its yuan text', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e11 }), (minor) => parseYuan(toYuan({ minor, currency: 'CNY' }))?.minor === minor));
  });

  it('writes only positive CNY', () => {
    expect(toYuan({ minor: 990, currency: 'CNY' })).toBe('9.90');
    expect(() => toYuan({ minor: 990, currency: 'USD' })).toThrow(/CNY/);
    expect(() => toYuan({ minor: 0, currency: 'CNY' })).toThrow(/positive/);
  });
});

describe('epay create form', () => {
  it('maps channel, device, buyer IP, return URL and a name cut to 127 characters', () => {
    const form = toMapiForm(
      { merchantReference: 'att_1', amount: { minor: 990, currency: 'CNY' }, description: '卡'.repeat(200), buyer: { device: 'ios', ip: '10.0.0.9' }, returnUrl: 'https://shop.example/r' },
      { pid: '1001', type: 'wxpay', notifyUrl: 'https://shop.example/webhooks/epay', returnUrl: 'https://shop.example/default' },
    );
    expect(form).toMatchObject({ pid: '1001', type: 'wxpay', out_trade_no: 'att_1', money: '9.90', device: 'mobile', clientip: '10.0.0.9', return_url: 'https://shop.example/r' });
    expect([...form.name]).toHaveLength(127);
    expect(deviceOf('desktop')).toBe('pc');
    expect(deviceOf(undefined)).toBe('pc');
    expect(typeOfChannel('epay:qqpay')).toBe('qqpay');
    expect(typeOfChannel('alipay')).toBeUndefined();
  });
});

describe('epay order status', () => {
  const order = { code: 1, trade_no: 'T1', out_trade_no: 'att_1', money: '9.90' };
  it.each([
    [0, 'pending'],
    ['1', 'succeeded'],
    [2, 'refunded'],
    [3, 'succeeded'],
    [4, 'pending'],
  ])('status %s is %s', (status, expected) => {
    expect(fromOrderResponse({ ...order, status }, 'att_1').status).toBe(expected);
  });

  it('reads our extension: a failed unpaid order carries the decline, a closed one is cancelled', () => {
    expect(fromOrderResponse({ ...order, status: 0, failure: { code: 'BALANCE_NOT_ENOUGH', msg: '余额不足' } }, 'att_1')).toMatchObject({
      status: 'failed',
      decline: { code: 'insufficient_funds', providerCode: 'BALANCE_NOT_ENOUGH' },
    });
    expect(fromOrderResponse({ ...order, status: 0, failure: { code: 'CLOSED' } }, 'att_1').status).toBe('cancelled');
  });

  it('refuses an unknown status or an unreadable amount', () => {
    expect(() => fromOrderResponse({ ...order, status: 9 }, 'att_1')).toThrow(/status/);
    expect(() => fromOrderResponse({ ...order, status: 1, money: '9.999' }, 'att_1')).toThrow(/amount/);
  });
});

const SAMPLES: [string | undefined, string, boolean][] = [
    ['商户不存在！', 'invalid_request', false],
    ['签名校验失败，请返回重试！', 'invalid_request', false],
    ['支付方式(type)不存在', 'invalid_request', false],
    ['支付方式(type)不能为空', 'invalid_request', false],
    ['商户密钥错误', 'invalid_request', false],
    ['金额不合法', 'invalid_request', false],
    ['该订单(att_1)已完成支付，请勿重复发起支付', 'duplicate', false],
    ['该订单(att_1)支付参数有变化，请更换订单号重新发起支付', 'duplicate', false],
    ['订单号已存在', 'duplicate', false],
    ['最大支付金额是500元', 'limit_exceeded', false],
    ['当前支付方式单笔最大限额为1000元，请选择其他支付方式！', 'limit_exceeded', false],
    ['金额超出限额', 'limit_exceeded', false],
    ['你今天已无法再发起支付，请明天再试', 'limit_exceeded', false],
    ['该商品禁止出售', 'risk_rejected', false],
    ['系统异常无法完成付款', 'risk_rejected', false],
    ['当前商户余额不足，无法完成支付，请商户登录用户中心充值余额', 'provider_unavailable', false],
    ['商户已封禁，无法支付！', 'provider_unavailable', false],
    ['支付方式未开启', 'provider_unavailable', false],
    ['创建订单失败，请返回重试！', 'provider_unavailable', true],
    ['退款失败：通道异常', 'provider_unavailable', true],
    ['只支持退款已支付状态的订单', 'invalid_request', false],
    ['BALANCE_NOT_ENOUGH', 'insufficient_funds', false],
    ['余额不足', 'insufficient_funds', false],
    ['CARD_RESTRICTED', 'card_declined', false],
    ['RISK_REJECTED', 'risk_rejected', false],
    ['EXPIRED', 'expired', false],
    ['something new', 'unknown', false],
    [undefined, 'unknown', false],
];

describe('epay error table', () => {
  it.each(SAMPLES)('maps "%s" to %s', (msg, code, retryable) => {
    const mapped = mapEpayError(msg);
    expect(mapped.decline.code).toBe(code);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.decline.remedy).toEqual(expect.any(String));
  });

  it('maps only to unified decline codes, and every row is the first match of some real message', () => {
    for (const [, mapping] of EPAY_ERRORS) expect(Object.keys(DECLINE_CODES)).toContain(mapping.decline);
    const extra = ['未传入任何参数', '商户ID不存在', '订单号(out_trade_no)格式不正确', '该域名不可发起支付，原因：域名没过白', '商户未开启订单退款API接口', '当前订单不存在！', '退款金额不能大于订单金额', 'No Act!', '最小支付金额是1元', '本次支付需要安全验证，请使用跳转支付接口发起支付'];
    const messages = [...SAMPLES.map(([m]) => m ?? ''), ...extra];
    const unreached = EPAY_ERRORS.filter((row) => !messages.some((m) => EPAY_ERRORS.find(([p]) => p.test(m)) === row));
    expect(unreached.map(([p]) => String(p))).toEqual([]);
  });

  it('keeps the provider words, bounded', () => {
    expect(mapEpayError('x'.repeat(500)).decline.providerCode).toHaveLength(128);
  });
});
