import { DECLINE_CODES } from '@cardshop/payments';
import { mapWechatError, payErrorDecline, PAYERROR_CAUSES, WECHAT_ERROR_CODES } from './wechat-pay.errors';

/** Every error code provider-protocols §2.1 and §2.3 name. */
const DOCUMENTED = [
  'PARAM_ERROR', 'INVALID_REQUEST', 'SIGN_ERROR', 'NO_AUTH', 'NOT_ENOUGH', 'ORDER_NOT_EXIST', 'RESOURCE_NOT_EXISTS', 'FREQUENCY_LIMITED',
  'RATELIMIT_EXCEEDED', 'SYSTEM_ERROR', 'SERVICE_UNAVAILABLE', 'USER_ACCOUNT_ABNORMAL', 'MCH_NOT_EXISTS', 'ORDER_CLOSED', 'ORDERPAID',
];

describe('wechat-pay.errors', () => {
  it('has a row for every documented code, each with a known decline', () => {
    for (const code of DOCUMENTED) expect(WECHAT_ERROR_CODES).toHaveProperty([code]);
    for (const row of Object.values(WECHAT_ERROR_CODES)) expect(Object.keys(DECLINE_CODES)).toContain(row.decline);
  });

  it.each([
    [400, 'PARAM_ERROR', 'invalid_request', false],
    [401, 'SIGN_ERROR', 'invalid_request', false],
    [403, 'NOT_ENOUGH', 'insufficient_funds', false],
    [403, 'USER_ACCOUNT_ABNORMAL', 'card_declined', false],
    [400, 'ORDERPAID', 'duplicate', false],
    [400, 'ORDER_CLOSED', 'expired', false],
    [429, 'FREQUENCY_LIMITED', 'provider_unavailable', true],
    [500, 'SYSTEM_ERROR', 'provider_unavailable', true],
    [503, 'SERVICE_UNAVAILABLE', 'provider_unavailable', true],
  ])('HTTP %d %s → %s (retryable %s)', (status, code, declineCode, retryable) => {
    const mapped = mapWechatError(status, code);
    expect(mapped).toMatchObject({ retryable, decline: { code: declineCode, providerCode: code, remedy: expect.any(String) } });
  });

  it('an unknown code is unknown, unless the HTTP status says the fault is temporary', () => {
    expect(mapWechatError(400, 'SOMETHING_NEW')).toMatchObject({ retryable: false, decline: { code: 'unknown', providerCode: 'SOMETHING_NEW' } });
    expect(mapWechatError(403, 'toString')).toMatchObject({ retryable: false, decline: { code: 'unknown' } });
    expect(mapWechatError(502, undefined)).toMatchObject({ retryable: true, decline: { code: 'provider_unavailable', providerCode: 'HTTP_502' } });
    expect(mapWechatError(429, 'SOMETHING_NEW').retryable).toBe(true);
  });

  it('reads every PAYERROR wording back to its decline, with the reason code kept', () => {
    for (const [code, cause] of Object.entries(PAYERROR_CAUSES)) {
      expect(payErrorDecline(cause.desc)).toMatchObject({ code: cause.decline, providerCode: code });
    }
    expect(payErrorDecline('支付失败，余额不足')).toMatchObject({ code: 'insufficient_funds' });
    expect(payErrorDecline('支付失败，请撤销订单')).toMatchObject({ code: 'unknown', providerCode: 'PAYERROR' });
    expect(payErrorDecline(undefined)).toMatchObject({ code: 'unknown' });
  });
});
