import { createHash, createSign, createVerify, generateKeyPairSync, randomUUID, X509Certificate } from 'node:crypto';
import { NotifyReceiver, waitFor } from './support/notify-receiver';
import { sandboxSchema, startSandbox, type RunningSandbox } from './support/sandbox-app';

// A merchant written from the ACP 5.1.0 rules directly (not the adapter), so the sandbox is checked
// against the protocol rather than against our own adapter's reading of it.
const digest = (f: Record<string, string>) =>
  createHash('sha256').update(Object.keys(f).filter((k) => k !== 'signature').sort().map((k) => `${k}=${f[k]}`).join('&'), 'utf8').digest('hex');
const beijing = (ms = Date.now()) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace(/\D/g, '');

interface Merchant {
  merId: string;
  certId: string;
  privateKey: string;
  reg: Record<string, string>;
}

async function registerMerchant(sandbox: RunningSandbox, notifyUrl?: string): Promise<Merchant> {
  const merId = `777${String(Date.now()).slice(-8)}${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const reg = await sandbox.control('PUT', `/control/merchants/unionpay/${merId}`, { publicKey: keys.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(), notifyUrl });
  expect(reg.status).toBe(200);
  return { merId, certId: reg.body.certId, privateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), reg: reg.body };
}

/** Posts a signed request; returns the answer after checking UnionPay's certificate and signature. */
async function call(sandbox: RunningSandbox, m: Merchant, path: string, fields: Record<string, string>, sign = true) {
  const body: Record<string, string> = { version: '5.1.0', encoding: 'UTF-8', signMethod: '01', accessType: '0', merId: m.merId, certId: m.certId, ...fields };
  if (sign) body.signature = createSign('RSA-SHA256').update(digest(body)).sign(m.privateKey, 'base64');
  const res = await fetch(`${sandbox.baseUrl}/unionpay/gateway/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
  expect(res.status).toBe(200);
  const answer = Object.fromEntries(new URLSearchParams(await res.text()));
  const cert = new X509Certificate(answer.signPubKeyCert);
  expect(cert.verify(new X509Certificate(m.reg.middleCertificate).publicKey)).toBe(true);
  expect(cert.subject).toContain('@中国银联股份有限公司@');
  expect(createVerify('RSA-SHA256').update(digest(answer)).verify(cert.publicKey, answer.signature, 'base64')).toBe(true);
  return answer;
}

const qrConsume = (orderId: string, txnTime: string, extra: Record<string, string> = {}) => ({
  txnType: '01', txnSubType: '07', bizType: '000000', channelType: '08', orderId, txnTime, txnAmt: '1234', currencyCode: '156', ...extra,
});
const query = (orderId: string, txnTime: string) => ({ txnType: '00', txnSubType: '00', bizType: '000000', orderId, txnTime });
const newOrderId = () => `CS${randomUUID().replaceAll('-', '')}`;

describe('simulated UnionPay gateway', () => {
  let sandbox: RunningSandbox;
  let receiver: NotifyReceiver;
  let m: Merchant;

  beforeAll(async () => {
    sandbox = await startSandbox();
    receiver = await new NotifyReceiver().start();
    m = await registerMerchant(sandbox, receiver.url);
  });

  afterAll(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  it('issues the merchant a certificate from its middle CA, with certId = its decimal serial', async () => {
    const cert = new X509Certificate(m.reg.certificate);
    expect(cert.verify(new X509Certificate(m.reg.middleCertificate).publicKey)).toBe(true);
    expect(m.certId).toBe(BigInt(`0x${cert.serialNumber}`).toString());
    const keys = (await sandbox.control('GET', '/control/keys/unionpay')).body;
    expect(keys).toMatchObject({ endpoint: `${sandbox.baseUrl}/unionpay`, rootCertificate: m.reg.rootCertificate, middleCertificate: m.reg.middleCertificate });
    expect(new X509Certificate(keys.certificate).verify(new X509Certificate(keys.middleCertificate).publicKey)).toBe(true);
  });

  it.each([
    ['an unsigned request', (f: Record<string, string>) => f, false, '13'],
    ['a signature by another key', (f: Record<string, string>) => ({ ...f, signature: Buffer.from('x'.repeat(256)).toString('base64') }), false, '11'],
    ['a certId never issued', (f: Record<string, string>) => ({ ...f, certId: '12345' }), true, '11'],
    ['an orderId with a dash', (f: Record<string, string>) => ({ ...f, orderId: 'CS-12345678' }), true, '10'],
    ['a txnAmt in yuan', (f: Record<string, string>) => ({ ...f, txnAmt: '12.34' }), true, '10'],
    ['a txnTime that is no date', (f: Record<string, string>) => ({ ...f, txnTime: '20240231120000' }), true, '10'],
    ['a missing txnTime', ({ txnTime: _t, ...f }: Record<string, string>) => f, true, '13'],
  ])('refuses %s with a signed respCode', async (_what, edit, sign, code) => {
    const answer = await call(sandbox, m, 'backTransReq.do', edit(qrConsume(newOrderId(), beijing())), sign);
    expect(answer.respCode).toBe(code);
  });

  it('answers 34 for a transaction it does not know, and needs the exact txnTime', async () => {
    const orderId = newOrderId();
    const txnTime = beijing(Date.now() - 5000);
    expect((await call(sandbox, m, 'backTransReq.do', qrConsume(orderId, txnTime))).respCode).toBe('00');
    expect((await call(sandbox, m, 'queryTrans.do', query(orderId, beijing()))).respCode).toBe('34');
    expect(await call(sandbox, m, 'queryTrans.do', query(orderId, txnTime))).toMatchObject({ respCode: '00', origRespCode: '05', txnAmt: '1234' });
  });

  it('redelivers an unacknowledged notification with the same bytes until a 200', async () => {
    const orderId = newOrderId();
    const mine = () => receiver.for(orderId, 'orderId');
    receiver.reply = (n) => (n.params.orderId === orderId && mine().length < 3 ? { status: 500, body: 'busy' } : 'ok');
    const created = await call(sandbox, m, 'backTransReq.do', qrConsume(orderId, beijing(), { backUrl: receiver.url }));
    expect(created.qrCode).toMatch(/\/unionpay\/qr\//);
    expect((await sandbox.control('POST', `/control/payments/unionpay/${orderId}/complete`, { outcome: 'success' })).status).toBe(200);
    const view = await waitFor(async () => {
      const v = (await sandbox.control('GET', `/control/payments?provider=unionpay&merchantReference=${orderId}`)).body.items[0];
      return v?.notifications[0]?.acknowledged && v;
    }, 'the notification to be acknowledged');
    expect(view).toMatchObject({ state: 'success', notifications: [{ attempts: 3, acknowledged: true }] });
    expect(mine()).toHaveLength(3);
    expect(new Set(mine().map((n) => n.rawBody.toString('hex'))).size).toBe(1);
    expect(mine()[0].params).toMatchObject({ respCode: '00', txnType: '01', txnAmt: '1234', merId: m.merId });
  });

  it('gives up after 5 deliveries when the merchant never answers 200', async () => {
    const orderId = newOrderId();
    receiver.reply = (n) => (n.params.orderId === orderId ? { status: 503, body: 'down' } : 'ok');
    await call(sandbox, m, 'backTransReq.do', qrConsume(orderId, beijing()));
    await sandbox.control('POST', `/control/payments/unionpay/${orderId}/complete`, { outcome: 'success' });
    await waitFor(async () => (await sandbox.control('GET', `/control/payments?provider=unionpay&merchantReference=${orderId}`)).body.items[0]?.notifications[0]?.status === 'gave_up', 'the notifier to give up');
    expect(receiver.for(orderId, 'orderId')).toHaveLength(5);
  });

  it('refuses a decline reason that is not a UnionPay failure code', async () => {
    const orderId = newOrderId();
    await call(sandbox, m, 'backTransReq.do', qrConsume(orderId, beijing()));
    expect((await sandbox.control('POST', `/control/payments/unionpay/${orderId}/complete`, { outcome: 'decline', reason: 'ACQ.NOPE' })).status).toBe(400);
    expect((await sandbox.control('POST', `/control/payments/unionpay/${orderId}/complete`, { outcome: 'decline', reason: '63' })).body.state).toBe('failed:63');
  });
});

// The sandbox as the stack runs it (its own schema), stopped and started again: the CA merchants
// trust, the merchants' certificates and the transactions with their notifications all survive.
describe('simulated UnionPay across a restart', () => {
  const { schema, drop } = sandboxSchema();
  let receiver: NotifyReceiver;

  beforeAll(async () => {
    receiver = await new NotifyReceiver().start();
  });

  afterAll(async () => {
    await receiver.close();
    await drop();
  });

  it('keeps its CA, the merchant certificate and the transactions', async () => {
    const first = await startSandbox({ schema });
    const m = await registerMerchant(first, receiver.url);
    const orderId = newOrderId();
    const txnTime = beijing();
    expect((await call(first, m, 'backTransReq.do', qrConsume(orderId, txnTime))).respCode).toBe('00');
    expect((await first.control('POST', `/control/payments/unionpay/${orderId}/complete`, { outcome: 'success' })).status).toBe(200);
    const view = async (s: RunningSandbox) => (await s.control('GET', `/control/payments?provider=unionpay&merchantReference=${orderId}`)).body.items[0];
    await waitFor(async () => (await view(first))?.notifications[0]?.acknowledged, 'the notification to be acknowledged');
    const keysBefore = (await first.control('GET', '/control/keys/unionpay')).body;
    await first.close();

    const second = await startSandbox({ schema });
    try {
      expect((await second.control('GET', '/control/keys/unionpay')).body).toMatchObject({
        rootCertificate: keysBefore.rootCertificate,
        middleCertificate: keysBefore.middleCertificate,
        certificate: keysBefore.certificate,
      });
      expect(await view(second)).toMatchObject({ state: 'success', amount: { minor: 1234, currency: 'CNY' }, notifications: [expect.objectContaining({ acknowledged: true, attempts: 1 })] });
      // The merchant's certificate still verifies its requests; the answer is about the same transaction.
      expect(await call(second, m, 'queryTrans.do', query(orderId, txnTime))).toMatchObject({ respCode: '00', origRespCode: '00', txnAmt: '1234' });
      expect(receiver.for(orderId, 'orderId')).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
