import { testConfig, testPki } from './__fixtures__/test-pki';
import { UnionPayAdapter } from './unionpay.adapter';

const pki = testPki();
const config = testConfig(pki);
const adapter = new UnionPayAdapter(config, async () => {
  throw new Error('a front consume makes no server call');
});

async function redirectUrl(returnUrl?: string): Promise<URL> {
  const r = await adapter.createPayment({ merchantReference: 'CS0123456789abcdef0123456789abcdef', amount: { minor: 8888, currency: 'CNY' }, description: 'x', buyer: { device: 'mobile' }, returnUrl, createdAtMs: Date.UTC(2024, 4, 13, 9, 49, 20) });
  expect(r.nextAction?.type).toBe('redirect');
  return new URL((r.nextAction as { url: string }).url);
}
const f = (url: URL) => JSON.parse(Buffer.from(url.searchParams.get('f')!, 'base64url').toString('utf8')) as Record<string, string>;
const withF = (fields: Record<string, string>) => new URLSearchParams({ f: Buffer.from(JSON.stringify(fields)).toString('base64url') });

describe('unionpay redirect form', () => {
  it('links to our pay page with the signed front consume, and renders it as an auto-submitting form', async () => {
    const url = await redirectUrl('https://shop.test/orders/1?x=<"&>');
    expect(`${url.origin}${url.pathname}`).toBe(config.payPageUrl);
    expect(f(url)).toMatchObject({ txnType: '01', txnSubType: '01', bizType: '000201', channelType: '08', txnTime: '20240513174920', txnAmt: '8888', currencyCode: '156', certId: config.certId, frontUrl: 'https://shop.test/orders/1?x=<"&>' });
    const html = adapter.redirectForm(url.searchParams)!;
    expect(html).toContain('<form id="pay_form" method="post" action="https://gateway.test.95516.com/gateway/api/frontTransReq.do">');
    expect(html).toContain('value="https://shop.test/orders/1?x=&#60;&#34;&#38;&#62;"');
    expect(html).not.toContain('x=<"');
    expect(html).toContain('<noscript>');
  });

  it('renders nothing for a tampered, foreign or garbled link', async () => {
    const fields = f(await redirectUrl());
    expect(adapter.redirectForm(withF({ ...fields, txnAmt: '1' }))).toBeNull();
    expect(adapter.redirectForm(withF({ ...fields, signature: fields.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }))).toBeNull();
    expect(adapter.redirectForm(withF({ ...fields, merId: '777000000000001' }))).toBeNull();
    expect(adapter.redirectForm(new URLSearchParams({ f: '%%%' }))).toBeNull();
    expect(adapter.redirectForm(new URLSearchParams({ f: Buffer.from('[1,2]').toString('base64url') }))).toBeNull();
    expect(adapter.redirectForm(new URLSearchParams())).toBeNull();
  });
});
