import { PaymentError } from '@cardshop/payments';
import { testConfig, testPki } from './__fixtures__/test-pki';
import { UnionPayConfig } from './unionpay.config';
import { fromQueryResponse, fromUnionPayTime, orderIdOf, refundOrderIdOf, toQrConsume, toUnionPayTime, txnAmtOf, txnTimeOf } from './unionpay.transformers';

const pki = testPki();
const config = testConfig(pki);

describe('unionpay.transformers', () => {
  it('writes and reads Beijing time as YYYYMMDDhhmmss', () => {
    expect(toUnionPayTime(Date.UTC(2024, 4, 13, 16, 30, 5))).toBe('20240514003005');
    expect(fromUnionPayTime('20240514003005')).toBe('2024-05-13T16:30:05.000Z');
    expect(fromUnionPayTime('yesterday')).toBeUndefined();
  });

  it('takes the platform reference as orderId and refuses one UnionPay cannot carry', () => {
    expect(orderIdOf('CS0123456789abcdef0123456789abcdef')).toBe('CS0123456789abcdef0123456789abcdef');
    for (const bad of ['att_1', 'short', 'CS-0123456789', 'x'.repeat(41)]) expect(() => orderIdOf(bad)).toThrow(PaymentError);
  });

  it('derives a valid, stable refund orderId from any refund reference', () => {
    const id = refundOrderIdOf('CS0123456789abcdef0123456789abcdef-r1');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(refundOrderIdOf('CS0123456789abcdef0123456789abcdef-r1')).toBe(id);
    expect(refundOrderIdOf('CS0123456789abcdef0123456789abcdef-r2')).not.toBe(id);
    expect(refundOrderIdOf('RF0123456789')).toBe('RF0123456789');
  });

  it('sends integer fen in CNY only', () => {
    expect(txnAmtOf({ minor: 8888, currency: 'CNY' })).toBe('8888');
    expect(() => txnAmtOf({ minor: 1, currency: 'USD' })).toThrow(PaymentError);
    expect(() => txnAmtOf({ minor: 0, currency: 'CNY' })).toThrow(PaymentError);
  });

  it('builds the QR consume with the attempt time as txnTime and no empty field', () => {
    const fields = toQrConsume(config, { merchantReference: 'CS0123456789abcdef0123456789abcdef', amount: { minor: 8888, currency: 'CNY' }, description: 'x', createdAtMs: Date.UTC(2024, 4, 13, 9, 49, 20), expiresInSeconds: 600 });
    expect(fields).toMatchObject({ version: '5.1.0', signMethod: '01', txnType: '01', txnSubType: '07', bizType: '000000', channelType: '08', accessType: '0', merId: config.merId, txnTime: '20240513174920', txnAmt: '8888', currencyCode: '156', backUrl: config.backUrl });
    expect(fields.payTimeout).toMatch(/^\d{14}$/);
    expect(Object.values(fields).every((v) => v !== '')).toBe(true);
    expect(() => txnTimeOf(undefined, 'query')).toThrow(expect.objectContaining({ code: 'PAYMENT.INVALID_REQUEST', retryable: false }));
  });

  it.each([
    [{ respCode: '34' }, 'not_found'],
    [{ respCode: '00', origRespCode: '05' }, 'pending'],
    [{ respCode: '00', origRespCode: '03' }, 'pending'],
    [{ respCode: '00', origRespCode: '00', txnAmt: '8888', queryId: 'q1' }, 'succeeded'],
    [{ respCode: '00', origRespCode: 'A6', txnAmt: '8888' }, 'succeeded'],
    [{ respCode: '00', origRespCode: '64' }, 'failed'],
  ])('maps query answer %j to %s', (res, status) => {
    expect(fromQueryResponse(res as Record<string, string>, 'CS0123456789abcdef0123456789abcdef').status).toBe(status);
  });

  it('an answer without origRespCode or with a broken amount is a fault', () => {
    expect(() => fromQueryResponse({ respCode: '00' }, 'x')).toThrow(PaymentError);
    expect(() => fromQueryResponse({ respCode: '00', origRespCode: '00', txnAmt: '88.88' }, 'x')).toThrow(PaymentError);
  });
});

describe('UnionPayConfig', () => {
  it('never shows the private key in JSON or strings', () => {
    expect(JSON.stringify(config)).not.toContain('PRIVATE KEY');
    expect(String(config)).not.toContain('PRIVATE KEY');
    expect(config.toJSON()).toMatchObject({ merId: config.merId, certId: config.certId, signPrivateKey: '[redacted]' });
  });

  it('reads UNIONPAY_* variables and names the first missing one', () => {
    expect(() => UnionPayConfig.fromEnv({})).toThrow(/UNIONPAY_MER_ID/);
    const env = {
      UNIONPAY_MER_ID: config.merId,
      UNIONPAY_SIGN_PRIVATE_KEY: pki.merchantKeys.privateKey.replace(/\n/g, '\\n'),
      UNIONPAY_SIGN_CERT: pki.merchantCert,
      UNIONPAY_ROOT_CERT: pki.rootCert,
      UNIONPAY_MIDDLE_CERT: pki.middleCert,
      UNIONPAY_GATEWAY_URL: 'https://gateway.test.95516.com/',
      UNIONPAY_BACK_URL: 'https://shop.test/webhooks/unionpay',
      UNIONPAY_FRONT_URL: 'https://shop.test/orders',
      UNIONPAY_PAY_PAGE_URL: 'https://shop.test/pay/unionpay',
      UNIONPAY_TIMEOUT_MS: '5000',
    };
    expect(UnionPayConfig.fromEnv(env)).toMatchObject({ gatewayUrl: 'https://gateway.test.95516.com', timeoutMs: 5000, certId: config.certId });
  });

  it('refuses a signing certificate that does not belong to the private key', () => {
    expect(() => testConfig(pki, { signCert: pki.signingCert })).toThrow(/does not belong/);
    expect(() => testConfig(pki, { merId: '123' })).toThrow(/merId/);
  });
});
