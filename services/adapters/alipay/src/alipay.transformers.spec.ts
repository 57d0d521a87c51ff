import { PaymentError } from '@cardshop/payments';
import queryResponses from './__fixtures__/query-responses.json';
import { mapAlipayError } from './alipay.errors';
import { ALIPAY_STATUS, fromAlipayTime, fromNotify, fromQueryResponse, statusOf, toAlipayTime, toPrecreateBiz, toRefundBiz } from './alipay.transformers';
import type { AlipayNotifyParams, AlipayQueryResponse } from './alipay.types';

describe('alipay.transformers', () => {
  it.each(queryResponses.map((r) => [r.name, r.body, r.status] as const))('maps a query response (%s) to %#', (_name, body, status) => {
    expect(fromQueryResponse(body as AlipayQueryResponse, 'att_1').status).toBe(status);
  });

  it('has a row for every Alipay trade status', () => {
    expect(Object.keys(ALIPAY_STATUS).sort()).toEqual(['ACQ.TRADE_NOT_EXIST', 'TRADE_CLOSED', 'TRADE_FINISHED', 'TRADE_SUCCESS', 'WAIT_BUYER_PAY']);
  });

  it('a closed trade whose refund_fee equals the total was refunded, not cancelled', () => {
    expect(statusOf('TRADE_CLOSED', '88.88', '88.88')).toBe('refunded');
    expect(statusOf('TRADE_CLOSED', undefined, '88.88')).toBe('cancelled');
  });

  it('an unknown trade status is a fault, never a guess', () => {
    expect(() => statusOf('TRADE_MAYBE')).toThrow(PaymentError);
  });

  it('sends amounts as yuan strings and rounds the expiry up to whole minutes', () => {
    expect(toPrecreateBiz({ merchantReference: 'a', amount: { minor: 8888, currency: 'CNY' }, description: 'x', expiresInSeconds: 61 })).toEqual({
      out_trade_no: 'a',
      total_amount: '88.88',
      subject: 'x',
      timeout_express: '2m',
    });
    expect(toRefundBiz({ merchantReference: 'a', refundReference: 'r', amount: { minor: 5, currency: 'CNY' } }).refund_amount).toBe('0.05');
  });

  it('refuses any currency but CNY', () => {
    expect(() => toPrecreateBiz({ merchantReference: 'a', amount: { minor: 1, currency: 'USD' }, description: 'x' })).toThrow(PaymentError);
  });

  it('a notification becomes an event keyed by notify_id with integer minor units', () => {
    const n = { notify_id: 'n1', out_trade_no: 'att_1', trade_no: 't1', trade_status: 'TRADE_SUCCESS', total_amount: '88.88', gmt_payment: '2024-05-13 17:49:19' };
    expect(fromNotify(n as AlipayNotifyParams)).toMatchObject({
      eventId: 'alipay:n1:TRADE_SUCCESS',
      amount: { minor: 8888, currency: 'CNY' },
      status: 'succeeded',
      occurredAt: '2024-05-13T09:49:19.000Z',
    });
  });

  it('converts Beijing wall-clock times both ways', () => {
    expect(toAlipayTime(new Date('2024-05-13T09:49:20Z'))).toBe('2024-05-13 17:49:20');
    expect(fromAlipayTime('2024-05-13 17:49:20')).toBe('2024-05-13T09:49:20.000Z');
    expect(fromAlipayTime('yesterday')).toBeUndefined();
  });

  it.each([
    ['ACQ.BUYER_BALANCE_NOT_ENOUGH', '40004', 'insufficient_funds', false],
    ['ACQ.PAYMENT_REQUEST_HAS_RISK', '40004', 'risk_rejected', false],
    ['ACQ.SYSTEM_ERROR', '40004', 'provider_unavailable', true],
    ['ACQ.SOMETHING_NEW', '40004', 'unknown', false],
    [undefined, '20000', 'provider_unavailable', true],
  ])('maps sub_code %s to %s', (subCode, code, declineCode, retryable) => {
    const mapped = mapAlipayError({ code, msg: '', sub_code: subCode });
    expect(mapped.decline.code).toBe(declineCode);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.decline.remedy).toEqual(expect.any(String));
  });
});
