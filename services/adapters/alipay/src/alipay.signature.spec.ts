import recorded from './__fixtures__/alipay-recorded.json';
import { buildSignString, extractSignedContent, signRequest, verifyNotify, verifyResponse, verifyRsa2 } from './alipay.signature';

const notify = () => Object.fromEntries(new URLSearchParams(recorded.notifyForm));

describe('alipay.signature', () => {
  it('builds the sign string from sorted keys, dropping sign and empty values but keeping sign_type', () => {
    expect(buildSignString({ method: 'm', app_id: '1', sign: 'x', sign_type: 'RSA2', empty: '', biz_content: '{"a":1}' })).toBe(
      'app_id=1&biz_content={"a":1}&method=m&sign_type=RSA2',
    );
  });

  it('a signed request verifies with the matching public key only', () => {
    const signed = signRequest({ app_id: '1', method: 'alipay.trade.query' }, recorded.alipayPrivateKey);
    expect(verifyRsa2(buildSignString(signed), signed.sign, recorded.alipayPublicKey)).toBe(true);
    expect(verifyRsa2(buildSignString({ ...signed, app_id: '2' }), signed.sign, recorded.alipayPublicKey)).toBe(false);
  });

  it('verifies a recorded notification over the decoded params minus sign and sign_type', () => {
    expect(verifyNotify(notify(), recorded.alipayPublicKey)).toBe(true);
  });

  it.each([
    ['a changed amount', { total_amount: '0.01' }],
    ['a changed reference', { out_trade_no: 'att_2' }],
    ['a garbage signature', { sign: '###' }],
    ['no signature', { sign: '' }],
  ])('rejects a notification with %s', (_what, change) => {
    expect(verifyNotify({ ...notify(), ...change }, recorded.alipayPublicKey)).toBe(false);
  });

  it('extracts the raw inner JSON byte for byte, escapes included', () => {
    const content = extractSignedContent(recorded.precreateResponse, 'alipay_trade_precreate_response');
    expect(content).toContain('https:\\/\\/qr.alipay.com');
    expect(JSON.parse(content!).qr_code).toBe('https://qr.alipay.com/bax08431');
  });

  it('verifies a recorded response signature and rejects one edited after signing', () => {
    const { sign } = JSON.parse(recorded.precreateResponse);
    const key = 'alipay_trade_precreate_response';
    expect(verifyResponse(recorded.precreateResponse, key, sign, recorded.alipayPublicKey)).toBe(true);
    expect(verifyResponse(recorded.precreateResponse.replace('att_1', 'att_9'), key, sign, recorded.alipayPublicKey)).toBe(false);
  });

  it('finds braces inside strings without being fooled', () => {
    expect(extractSignedContent('{"x_response":{"a":"}{\\"","b":{}},"sign":"s"}', 'x_response')).toBe('{"a":"}{\\"","b":{}}');
  });
});
