import { Aes, Formatter, Rsa, Wechatpay } from 'wechatpay-axios-plugin';
import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { NotifyReceiver, waitFor } from './support/notify-receiver';
import { startSandbox, type RunningSandbox } from './support/sandbox-app';

// The WeChat Pay v3 client the issue names, unchanged but for its base URL, against the sandbox:
// it signs every request (the sandbox checks it) and verifies every answer (it throws otherwise).
describe('wechatpay-axios-plugin against the WeChat Pay sandbox', () => {
  let sandbox: RunningSandbox;
  let receiver: NotifyReceiver;
  const mchid = `19${Date.now().toString().slice(-8)}`;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const apiV3Key = randomBytes(16).toString('hex');
  let reg: { appid: string; merchantSerial: string; platformSerial: string; platformPublicKey: string; endpoint: string };

  const client = (over: { privateKey?: string; platformKey?: string } = {}) =>
    new Wechatpay({
      mchid,
      serial: reg.merchantSerial,
      privateKey: over.privateKey ?? privateKey,
      certs: { [reg.platformSerial]: over.platformKey ?? reg.platformPublicKey },
      baseURL: `${reg.endpoint}/`,
    } as never);
  const order = (outTradeNo: string, total = 1234) => ({
    appid: reg.appid,
    mchid,
    description: '点卡 Steam 100',
    out_trade_no: outTradeNo,
    notify_url: receiver.url,
    amount: { total, currency: 'CNY' },
  });
  const newReference = () => `sdk${Date.now()}${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    sandbox = await startSandbox();
    receiver = await new NotifyReceiver().start();
    receiver.reply = () => ({ status: 204, body: '' });
    const res = await sandbox.control('PUT', `/control/merchants/wechat_pay/${mchid}`, {
      publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      secret: apiV3Key,
    });
    expect(res.status).toBe(200);
    reg = res.body;
  });

  afterAll(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  it('registration answers what the merchant configures, and the keys endpoint names the platform key', async () => {
    expect(reg).toMatchObject({ appid: expect.stringMatching(/^wx[0-9a-f]{16}$/), merchantSerial: expect.stringMatching(/^[0-9A-F]{40}$/), endpoint: `${sandbox.baseUrl}/wechat-pay` });
    expect((await sandbox.control('GET', '/control/keys/wechat_pay')).body).toMatchObject({ endpoint: reg.endpoint, publicKey: reg.platformPublicKey, platformSerial: reg.platformSerial });
    expect((await sandbox.control('PUT', `/control/merchants/wechat_pay/${mchid}x`, { publicKey: reg.platformPublicKey, secret: 'too short' })).status).toBe(400);
  });

  it('creates a Native order, queries it by out_trade_no and by transaction_id, and closes another, every answer verified', async () => {
    const wx = client();
    const outTradeNo = newReference();
    const created: { status: number; data: { code_url: string } } = await wx.v3.pay.transactions.native.post(order(outTradeNo));
    expect(created.status).toBe(200);
    expect(created.data.code_url).toMatch(new RegExp(`^${reg.endpoint}/pay/`));
    // Reentrant: the same order again gives the same code_url.
    const again: { data: { code_url: string } } = await wx.v3.pay.transactions.native.post(order(outTradeNo));
    expect(again.data.code_url).toBe(created.data.code_url);

    const unpaid = await wx.v3.pay.transactions.outTradeNo._out_trade_no_.get({ params: { mchid }, out_trade_no: outTradeNo });
    expect(unpaid.data).toMatchObject({ mchid, appid: reg.appid, out_trade_no: outTradeNo, trade_state: 'NOTPAY', amount: { total: 1234, currency: 'CNY' } });

    expect((await sandbox.control('POST', `/control/payments/wechat_pay/${outTradeNo}/complete`, { outcome: 'success' })).status).toBe(200);
    const paid = await wx.v3.pay.transactions.outTradeNo._out_trade_no_.get({ params: { mchid }, out_trade_no: outTradeNo });
    expect(paid.data).toMatchObject({ trade_state: 'SUCCESS', trade_type: 'NATIVE', transaction_id: expect.stringMatching(/^\d{28}$/), success_time: expect.stringMatching(/\+08:00$/) });
    const byId = await wx.v3.pay.transactions.id._transaction_id_.get({ params: { mchid }, transaction_id: paid.data.transaction_id });
    expect(byId.data.out_trade_no).toBe(outTradeNo);

    const other = newReference();
    await wx.v3.pay.transactions.native.post(order(other));
    const closed = await wx.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ mchid }, { out_trade_no: other });
    expect(closed.status).toBe(204);
    expect((await wx.v3.pay.transactions.outTradeNo._out_trade_no_.get({ params: { mchid }, out_trade_no: other })).data.trade_state).toBe('CLOSED');
  });

  it("the notification verifies and decrypts with the SDK's own helpers", async () => {
    const wx = client();
    const outTradeNo = newReference();
    await wx.v3.pay.transactions.native.post(order(outTradeNo, 8888));
    await sandbox.control('POST', `/control/payments/wechat_pay/${outTradeNo}/complete`, { outcome: 'success' });
    const opened = await waitFor(() => {
      for (const n of receiver.received) {
        const h = n.headers as Record<string, string>;
        if (!Rsa.verify(Formatter.response(h['wechatpay-timestamp'], h['wechatpay-nonce'], n.rawBody.toString('utf8')), h['wechatpay-signature'], Rsa.from(reg.platformPublicKey, Rsa.KEY_TYPE_PUBLIC))) continue;
        const { resource } = JSON.parse(n.rawBody.toString('utf8'));
        const tx = JSON.parse(Aes.AesGcm.decrypt(resource.ciphertext, apiV3Key, resource.nonce, resource.associated_data));
        if (tx.out_trade_no === outTradeNo) return tx;
      }
      return undefined;
    }, `the notification for ${outTradeNo}`);
    expect(opened).toMatchObject({ mchid, appid: reg.appid, trade_state: 'SUCCESS', amount: { total: 8888, currency: 'CNY' } });
  });

  it('the SDK refuses an answer that does not verify with the platform key it was given', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await expect(client({ platformKey: stranger }).v3.pay.transactions.native.post(order(newReference()))).rejects.toMatchObject({ code: 'EV3_RES_HEADER_SIGNATURE_DIGEST' });
  });

  it('a request signed with another key is refused with 401 SIGN_ERROR', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(client({ privateKey: other }).v3.pay.transactions.native.post(order(newReference()))).rejects.toMatchObject({
      response: { status: 401, data: { code: 'SIGN_ERROR' } },
    });
  });

  it('accepts a signature over the path without the /wechat-pay mount, as a client written for the real host signs it', async () => {
    const path = `/v3/pay/transactions/out-trade-no/nosuchorder01?mchid=${mchid}`;
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signature = createSign('RSA-SHA256').update(`GET\n${path}\n${ts}\n${nonce}\n\n`).sign(privateKey, 'base64');
    const res = await fetch(`${reg.endpoint}${path}`, {
      headers: { accept: 'application/json', authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${ts}",serial_no="${reg.merchantSerial}"` },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 'ORDER_NOT_EXIST', message: '订单不存在' });
    expect(res.headers.get('wechatpay-serial')).toBe(reg.platformSerial);
  });
});
