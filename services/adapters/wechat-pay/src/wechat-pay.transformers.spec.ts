import { PaymentError } from '@cardshop/payments';
import { fromTransaction, fromWechatTime, outRefundNo, statusOf, toPrepayBody, toWechatTime, WECHAT_STATUS } from './wechat-pay.transformers';
import type { WechatTransaction } from './wechat-pay.types';

const merchant = { appid: 'wxd678efh567hg6787', mchid: '1900000109', notifyUrl: 'https://shop.example/webhooks/wechat_pay' };
const tx = (over: Partial<WechatTransaction> = {}): WechatTransaction => ({ appid: merchant.appid, mchid: merchant.mchid, out_trade_no: 'att_1', trade_state: 'NOTPAY', amount: { total: 8888, currency: 'CNY' }, ...over });

describe('wechat-pay.transformers', () => {
  it('has a row for every WeChat trade_state', () => {
    expect(Object.keys(WECHAT_STATUS).sort()).toEqual(['CLOSED', 'NOTPAY', 'PAYERROR', 'REFUND', 'REVOKED', 'SUCCESS', 'USERPAYING']);
    expect(statusOf('REFUND')).toBe('succeeded');
  });

  it('an unknown trade_state is a fault, never a guess', () => {
    expect(() => statusOf('MAYBE')).toThrow(PaymentError);
    expect(() => statusOf('constructor')).toThrow(PaymentError);
  });

  it('a desktop buyer gets a Native body in fen with time_expire in Beijing time', () => {
    const now = Date.parse('2024-06-12T02:34:56.789Z');
    expect(toPrepayBody({ merchantReference: 'att_0001', amount: { minor: 8888, currency: 'CNY' }, description: 'Steam 100', expiresInSeconds: 900 }, merchant, now)).toEqual({
      appid: merchant.appid,
      mchid: merchant.mchid,
      description: 'Steam 100',
      out_trade_no: 'att_0001',
      notify_url: merchant.notifyUrl,
      amount: { total: 8888, currency: 'CNY' },
      time_expire: '2024-06-12T10:49:56+08:00',
    });
  });

  it('a phone buyer gets scene_info with its IP (127.0.0.1 when unknown), and long descriptions are cut by character', () => {
    const body = toPrepayBody({ merchantReference: 'att_0001', amount: { minor: 1, currency: 'CNY' }, description: '点'.repeat(200), buyer: { device: 'iOS' } }, merchant);
    expect(body.scene_info).toEqual({ payer_client_ip: '127.0.0.1', h5_info: { type: 'Wap' } });
    expect(Array.from(body.description)).toHaveLength(127);
    expect(toPrepayBody({ merchantReference: 'att_0001', amount: { minor: 1, currency: 'CNY' }, description: 'x', buyer: { device: 'mobile', ip: '203.0.113.9' } }, merchant).scene_info?.payer_client_ip).toBe('203.0.113.9');
  });

  it('refuses a reference WeChat would not take as out_trade_no, with the reason', () => {
    const req = (merchantReference: string) => ({ merchantReference, amount: { minor: 1, currency: 'CNY' }, description: 'x' });
    expect(() => toPrepayBody(req(`CS${'0'.repeat(32)}`), merchant)).toThrow(/6–32/);
    expect(() => toPrepayBody(req('att 1 x'), merchant)).toThrow(PaymentError);
    expect(toPrepayBody(req('a'.repeat(32)), merchant).out_trade_no).toHaveLength(32);
  });

  it('refuses any currency but CNY', () => {
    expect(() => toPrepayBody({ merchantReference: 'att_0001', amount: { minor: 1, currency: 'USD' }, description: 'x' }, merchant)).toThrow(PaymentError);
  });

  it('maps transactions, PAYERROR with the decline its wording names', () => {
    expect(fromTransaction(tx())).toEqual({ status: 'pending', merchantReference: 'att_1', amount: { minor: 8888, currency: 'CNY' }, providerStatus: 'NOTPAY' });
    expect(fromTransaction(tx({ trade_state: 'SUCCESS', transaction_id: '42000' }))).toMatchObject({ status: 'succeeded', providerReference: '42000' });
    expect(fromTransaction(tx({ trade_state: 'PAYERROR', trade_state_desc: '余额不足' }))).toMatchObject({ status: 'failed', decline: { code: 'insufficient_funds', providerCode: 'NOTENOUGH' } });
    expect(() => fromTransaction(tx({ amount: { total: 88.88, currency: 'CNY' } }))).toThrow(PaymentError);
  });

  it('converts times both ways', () => {
    expect(toWechatTime(Date.parse('2018-06-08T02:34:56Z'))).toBe('2018-06-08T10:34:56+08:00');
    expect(fromWechatTime('2018-06-08T10:34:56+08:00')).toBe('2018-06-08T02:34:56.000Z');
    expect(fromWechatTime('yesterday')).toBeUndefined();
    expect(fromWechatTime(42)).toBeUndefined();
  });
});

describe('out_refund_no', () => {
  it('keeps a reference WeChat accepts and hashes one it would refuse, the same way every time', () => {
    expect(outRefundNo('CS0123-r1')).toBe('CS0123-r1');
    const hashed = outRefundNo('ops:eeec1df3-bb68-408c-99e3-70d1afab40f4');
    expect(hashed).toMatch(/^R[0-9a-f]{40}$/);
    expect(outRefundNo('ops:eeec1df3-bb68-408c-99e3-70d1afab40f4')).toBe(hashed);
    expect(outRefundNo('x'.repeat(65))).toMatch(/^R[0-9a-f]{40}$/);
  });
});
