import fc from 'fast-check';
import { testConfig, testPki } from './__fixtures__/test-pki';
import { UnionPayTrust } from './unionpay.certificates';
import { signFields } from './unionpay.signature';
import { parseUnionPayWebhook } from './unionpay.webhook';

const pki = testPki();
const config = testConfig(pki);
const trust = new UnionPayTrust(pki.rootCert, pki.middleCert);
const ORDER = 'CS0123456789abcdef0123456789abcdef';

/** A notification as UnionPay sends it: signed with its signing key, its certificate embedded. */
function notification(overrides: Record<string, string> = {}, key = pki.signingKeys.privateKey) {
  const fields: Record<string, string> = {
    version: '5.1.0', encoding: 'UTF-8', signMethod: '01', accessType: '0', bizType: '000000', txnType: '01', txnSubType: '07',
    merId: config.merId, orderId: ORDER, txnTime: '20240513174920', txnAmt: '8888', currencyCode: '156', queryId: '240513174920123456789',
    respCode: '00', respMsg: 'success', traceNo: '123456', traceTime: '0513174930', settleAmt: '8888', settleDate: '0513', signPubKeyCert: pki.signingCert,
    ...overrides,
  };
  return new URLSearchParams({ ...fields, signature: signFields(fields, key) }).toString();
}
const raw = (body: string | Buffer, contentType = 'application/x-www-form-urlencoded;charset=UTF-8') => ({ headers: {}, rawBody: Buffer.from(body), contentType });
const ctx = (minor = 8888) => ({ expectedPayment: async (ref: string) => (ref === ORDER ? { merchantReference: ref, amount: { minor, currency: 'CNY' } } : null) });
const parse = (body: string | Buffer, c = ctx(), contentType?: string) => parseUnionPayWebhook(config, trust, raw(body, contentType), c);

describe('unionpay webhook', () => {
  it('a genuine notification yields a succeeded event keyed by queryId and a 200 ack', async () => {
    expect(await parse(notification())).toMatchObject({
      kind: 'payment',
      event: { eventId: 'unionpay:240513174920123456789:01', merchantReference: ORDER, providerReference: '240513174920123456789', status: 'succeeded', amount: { minor: 8888, currency: 'CNY' }, occurredAt: '2024-05-13T09:49:20.000Z' },
      ack: { status: 200 },
    });
  });

  it('a refund notification names the original through reqReserved and may be partial', async () => {
    const r = await parse(notification({ txnType: '04', txnSubType: '00', orderId: 'a1b2c3d4e5f6a7b8', reqReserved: ORDER, origQryId: '240513174920123456789', queryId: '240513180000987654321', txnAmt: '1000' }));
    expect(r).toMatchObject({ kind: 'payment', event: { merchantReference: ORDER, status: 'refunded', amount: { minor: 1000 }, eventId: 'unionpay:240513180000987654321:04' } });
  });

  it.each([
    ['a JSON body', raw('{}', 'application/json'), 'MALFORMED', 400],
    ['a repeated key', raw(`${notification()}&txnAmt=1`), 'MALFORMED', 400],
    ['an edited amount', raw(notification().replace('txnAmt=8888', 'txnAmt=1')), 'SIGNATURE_INVALID', 401],
    ['a signature by the merchant key, not UnionPay', raw(notification({}, pki.merchantKeys.privateKey)), 'SIGNATURE_INVALID', 401],
    ['the merchant certificate embedded and signed consistently', raw(notification({ signPubKeyCert: pki.merchantCert }, pki.merchantKeys.privateKey)), 'SIGNATURE_INVALID', 401],
    ['another merchant', raw(notification({ merId: '777000000000001' })), 'WRONG_MERCHANT', 400],
    ['a failure respCode', raw(notification({ respCode: '64' })), 'MALFORMED', 422],
    ['a txnAmt that is not fen', raw(notification({ txnAmt: '88.88' })), 'MALFORMED', 400],
  ])('rejects %s', async (_what, request, code, status) => {
    expect(await parseUnionPayWebhook(config, trust, request, ctx())).toMatchObject({ kind: 'rejected', code, status });
  });

  it('rejects a genuine notification for another amount or an unknown order', async () => {
    expect(await parse(notification(), ctx(100))).toMatchObject({ kind: 'rejected', status: 422, code: 'INTEGRITY_MISMATCH', mismatch: { field: 'amount' } });
    expect(await parse(notification({ orderId: 'CSffffffffffffffffffffffffffffffff' }))).toMatchObject({ kind: 'rejected', status: 404, code: 'UNKNOWN_REFERENCE' });
  });

  it('never throws on garbage: every random body is a 4xx rejection', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), fc.string().map((s) => Buffer.from(s))), async (body) => {
        const r = await parse(body);
        expect(r.kind).toBe('rejected');
        expect(r.kind === 'rejected' && r.status >= 400 && r.status < 500).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on a genuine notification with any one field replaced by garbage', async () => {
    const genuine = Object.fromEntries(new URLSearchParams(notification()));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(genuine)), fc.string(), async (key, value) => {
        const r = await parse(new URLSearchParams({ ...genuine, [key]: value }).toString());
        if (value !== genuine[key]) expect(r.kind).toBe('rejected');
      }),
      { numRuns: 100 },
    );
  });
});
