// Cross-project: the UnionPay adapter against the provider sandbox. It lives outside both projects
// because an adapter may not import a service, yet this test needs both, as a merchant and UnionPay do.
import { runAdapterContractSuite } from '@cardshop/payments/testing';
import type { Money, RawWebhookRequest, WebhookContext } from '@cardshop/payments';
import { createHash, createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import * as forge from 'node-forge';
import { NotifyReceiver, waitFor } from '../../services/provider-sandbox/test/support/notify-receiver';
import { startSandbox, type RunningSandbox } from '../../services/provider-sandbox/test/support/sandbox-app';
import { UnionPayAdapter } from '../../services/adapters/unionpay/src/unionpay.adapter';
import { UnionPayConfig } from '../../services/adapters/unionpay/src/unionpay.config';

// Our adapter against the provider sandbox booted in-process: real HTTP, real certificates.
let sandbox: RunningSandbox;
let receiver: NotifyReceiver;
let config: UnionPayConfig;
const amount: Money = { minor: 8888, currency: 'CNY' };
// The platform's references: CS + 32 hex, valid UnionPay orderIds.
const newReference = () => `CS${randomUUID().replaceAll('-', '')}`;

beforeAll(async () => {
  sandbox = await startSandbox();
  receiver = await new NotifyReceiver().start();
  const merId = `777${String(Date.now()).slice(-12)}`;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const reg = await sandbox.control('PUT', `/control/merchants/unionpay/${merId}`, { publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  expect(reg.status).toBe(200);
  config = new UnionPayConfig({
    merId,
    signPrivateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    signCert: reg.body.certificate,
    rootCert: reg.body.rootCertificate,
    middleCert: reg.body.middleCertificate,
    gatewayUrl: reg.body.endpoint,
    backUrl: receiver.url,
    frontUrl: 'http://shop.test/orders',
    payPageUrl: 'http://adapter.test/pay/unionpay',
  });
  expect(config.certId).toBe(reg.body.certId);
});

afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

const withBody = (raw: RawWebhookRequest, edit: (p: URLSearchParams) => void): RawWebhookRequest => {
  const params = new URLSearchParams(raw.rawBody.toString('utf8'));
  edit(params);
  return { ...raw, rawBody: Buffer.from(params.toString()) };
};

async function complete(reference: string, outcome: 'success' | 'decline' | 'abandon', reason?: string) {
  const res = await sandbox.control('POST', `/control/payments/unionpay/${reference}/complete`, { outcome, reason });
  if (res.status !== 200) throw new Error(`complete failed: ${JSON.stringify(res.body)}`);
}

async function notification(reference: string, txnType = '01'): Promise<RawWebhookRequest> {
  const n = await waitFor(() => receiver.received.find((x) => x.params.txnType === txnType && (x.params.orderId === reference || x.params.reqReserved === reference)), `notify ${txnType} for ${reference}`);
  return { headers: n.headers, rawBody: n.rawBody, contentType: String(n.headers['content-type']) };
}

const contextFor = (reference: string, expected = amount): WebhookContext => ({
  expectedPayment: async (ref) => (ref === reference ? { merchantReference: reference, amount: expected } : null),
});

runAdapterContractSuite({
  name: 'UnionPay',
  makeAdapter: () => new UnionPayAdapter(config),
  sampleMoney: amount,
  newReference,
  // UnionPay knows a QR consume from the start: origRespCode 05 (accepted, not paid).
  unpaidQueryStatuses: ['pending'],
  sandbox: {
    complete: (reference, outcome) => complete(reference, outcome),
    receivedWebhook: (reference) => notification(reference),
    forge: (raw) => withBody(raw, (p) => p.set('signature', Buffer.from('forged'.repeat(43)).toString('base64'))),
    tamperAmount: (raw) => withBody(raw, (p) => p.set('txnAmt', '1')),
  },
});

describe('UnionPay adapter vs sandbox, beyond the contract', () => {
  async function created(extra: { device?: string; returnUrl?: string } = {}) {
    const adapter = new UnionPayAdapter(config);
    const merchantReference = newReference();
    const createdAtMs = Date.now();
    const result = await adapter.createPayment({ merchantReference, amount, description: 'Steam 100', createdAtMs, buyer: extra.device ? { device: extra.device } : undefined, returnUrl: extra.returnUrl });
    return { adapter, merchantReference, createdAtMs, result };
  }

  it('rejects a notification signed consistently by a self-signed impostor certificate that names UnionPay', async () => {
    const { adapter, merchantReference } = await created();
    await complete(merchantReference, 'success');
    const genuine = await notification(merchantReference);

    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.now() - 86_400_000);
    cert.validity.notAfter = new Date(Date.now() + 86_400_000);
    const name = [{ name: 'commonName', value: 'CFCA@x@中国银联股份有限公司@00040000:SIGN', valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class }];
    cert.setSubject(name);
    cert.setIssuer(name);
    cert.sign(forge.pki.privateKeyFromPem(keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()), forge.md.sha256.create());

    const fields = Object.fromEntries(new URLSearchParams(genuine.rawBody.toString('utf8')));
    fields.signPubKeyCert = forge.pki.certificateToPem(cert);
    delete fields.signature;
    const digest = createHash('sha256').update(Object.keys(fields).sort().map((k) => `${k}=${fields[k]}`).join('&'), 'utf8').digest('hex');
    fields.signature = createSign('RSA-SHA256').update(digest).sign(keys.privateKey, 'base64');

    const result = await adapter.parseWebhook({ ...genuine, rawBody: Buffer.from(new URLSearchParams(fields).toString()) }, contextFor(merchantReference));
    expect(result).toMatchObject({ kind: 'rejected', status: 401, code: 'SIGNATURE_INVALID' });
  });

  it.each([
    ['64', 'insufficient_funds'],
    ['38', 'risk_rejected'],
  ])('a decline with respCode %s is reported by query as failed with %s', async (reason, declineCode) => {
    const { adapter, merchantReference, createdAtMs } = await created();
    await complete(merchantReference, 'decline', reason);
    const snap = await adapter.queryPayment({ merchantReference, createdAtMs, amount });
    expect(snap).toMatchObject({ status: 'failed', providerStatus: reason, decline: { code: declineCode, providerCode: reason } });
  });

  it('abandoning leaves the payment failed as expired', async () => {
    const { adapter, merchantReference, createdAtMs } = await created();
    await complete(merchantReference, 'abandon');
    expect(await adapter.queryPayment({ merchantReference, createdAtMs, amount })).toMatchObject({ status: 'failed', decline: { code: 'expired' } });
  });

  it('redirect flow: the signed form renders, posts to frontTransReq.do, and paying returns the browser to the shop', async () => {
    const { adapter, merchantReference, createdAtMs, result } = await created({ device: 'mobile', returnUrl: 'http://shop.test/orders/42' });
    expect(result).toMatchObject({ status: 'pending', nextAction: { type: 'redirect' } });
    const url = new URL((result.nextAction as { url: string }).url);
    expect(`${url.origin}${url.pathname}`).toBe(config.payPageUrl);

    const html = adapter.redirectForm(url.searchParams);
    expect(html).not.toBeNull();
    const action = /<form[^>]*action="([^"]+)"/.exec(html!)![1];
    expect(action).toBe(`${config.gatewayUrl}/gateway/api/frontTransReq.do`);
    const unescape = (s: string) => s.replace(/&#(\d+);/g, (_m, c) => String.fromCharCode(Number(c)));
    const inputs = [...html!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m): [string, string] => [unescape(m[1]), unescape(m[2])]);
    expect(Object.fromEntries(inputs)).toMatchObject({ orderId: merchantReference, txnAmt: '8888', frontUrl: 'http://shop.test/orders/42', channelType: '08' });

    const page = await fetch(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(inputs).toString() });
    expect(page.status).toBe(200);
    const cashier = await page.text();
    expect(cashier).toContain('云闪付');
    expect(cashier).toContain('88.88');

    const pay = /action="([^"]+\/pay)"/.exec(cashier)![1];
    const paid = await fetch(`${sandbox.baseUrl}${pay}`, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe('http://shop.test/orders/42');
    expect(await adapter.queryPayment({ merchantReference, createdAtMs, amount })).toMatchObject({ status: 'succeeded', amount });
  });

  it('a tampered redirect link renders nothing', async () => {
    const { adapter, result } = await created({ device: 'ios' });
    const url = new URL((result.nextAction as { url: string }).url);
    const fields = JSON.parse(Buffer.from(url.searchParams.get('f')!, 'base64url').toString('utf8'));
    fields.txnAmt = '1';
    expect(adapter.redirectForm(new URLSearchParams({ f: Buffer.from(JSON.stringify(fields)).toString('base64url') }))).toBeNull();
  });

  it('the same refund reference twice refunds once, and its notification is a verified refund event', async () => {
    const { adapter, merchantReference, createdAtMs } = await created();
    await complete(merchantReference, 'success');
    const req = { merchantReference, createdAtMs, refundReference: `${merchantReference}-partial-1`, amount: { minor: 1000, currency: 'CNY' } };
    expect((await adapter.refundPayment(req)).status).toBe('succeeded');
    expect((await adapter.refundPayment(req)).status).toBe('succeeded');

    const items = (await sandbox.control('GET', '/control/payments?provider=unionpay')).body.items as { state: string; merchantReference: string; amount: Money }[];
    expect(items.find((i) => i.merchantReference === merchantReference)?.state).toBe('partially_refunded');
    const refunds = items.filter((i) => i.state === 'refund:success' && i.amount.minor === 1000);
    const notified = receiver.received.filter((n) => n.params.txnType === '04' && n.params.reqReserved === merchantReference);
    expect(new Set(notified.map((n) => n.params.queryId)).size).toBe(1);
    expect(refunds.filter((r) => r.merchantReference === notified[0].params.orderId)).toHaveLength(1);

    const event = await adapter.parseWebhook(await notification(merchantReference, '04'), contextFor(merchantReference));
    expect(event).toMatchObject({ kind: 'payment', event: { merchantReference, status: 'refunded', amount: { minor: 1000, currency: 'CNY' } } });

    // More than what is left is refused by UnionPay (36) and reported as a failed refund.
    const tooMuch = await adapter.refundPayment({ ...req, refundReference: `${merchantReference}-r2`, amount });
    expect(tooMuch).toMatchObject({ status: 'failed', decline: { providerCode: '36' } });
  });

  it('a query without the attempt time is our fault, not a provider answer', async () => {
    const { adapter, merchantReference } = await created();
    await expect(adapter.queryPayment({ merchantReference, amount })).rejects.toMatchObject({ code: 'PAYMENT.INVALID_REQUEST' });
  });
});
