import { randomInt } from 'node:crypto';
import { epayMd5 } from '../src/epay/epay-sandbox.wire';
import { NotifyReceiver, waitFor } from './support/notify-receiver';
import { startSandbox, type RunningSandbox } from './support/sandbox-app';

/** What mapi.php and api.php answer. */
interface EpayJson {
  code: number;
  msg?: string;
  trade_no?: string;
  qrcode?: string;
  payurl?: string;
  [k: string]: unknown;
}

// The simulated 易支付 aggregator spoken to as a merchant's own PHP client would: signed forms to
// mapi.php, the plain key to api.php, GET notifications back with Rainbow's retry schedule.
describe('epay sandbox gateway', () => {
  let sandbox: RunningSandbox;
  let receiver: NotifyReceiver;
  const pid = String(randomInt(100_000, 999_999));
  let key: string;
  let endpoint: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ timeScale: 0.001 });
    receiver = await new NotifyReceiver().start();
    const reg = await sandbox.control('PUT', `/control/merchants/epay/${pid}`, {});
    expect(reg.status).toBe(200);
    ({ key, endpoint } = reg.body);
  });

  afterAll(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  const ref = () => `gw${Date.now()}${randomInt(1000, 9999)}`;
  const order = (over: Record<string, string> = {}) => ({
    pid,
    type: 'alipay',
    out_trade_no: ref(),
    notify_url: receiver.url,
    return_url: 'https://shop.example/return',
    name: 'Steam 100',
    money: '9.90',
    clientip: '203.0.113.7',
    ...over,
  });
  const signed = (params: Record<string, string>, k = key) => ({ ...params, sign: epayMd5(params, k), sign_type: 'MD5' });
  const post = async (path: string, form: Record<string, string>) => (await (await fetch(`${endpoint}${path}`, { method: 'POST', body: new URLSearchParams(form) })).json()) as EpayJson;
  const mapi = (params: Record<string, string>, k?: string) => post('mapi.php', signed(params, k));
  const query = async (q: Record<string, string>) => (await (await fetch(`${endpoint}api.php?act=order&${new URLSearchParams(q)}`)).json()) as EpayJson;

  it('signs exactly as the documented vector (cardshop-anchors §3.3)', () => {
    const vector = { pid: '1001', type: 'alipay', out_trade_no: '20240101000001', notify_url: 'https://shop.example/notify', return_url: 'https://shop.example/return', name: 'Test Item', money: '9.90' };
    expect(epayMd5(vector, 'abc123')).toBe('a028b86978942257ba065cf1d346f350');
  });

  it('registration answers pid, a 32-character key, the endpoint and the types; keys() the endpoint', async () => {
    expect(key).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(endpoint).toBe(`${sandbox.baseUrl}/epay/`);
    expect((await sandbox.control('GET', '/control/keys/epay')).body).toMatchObject({ endpoint, types: ['alipay', 'wxpay', 'qqpay', 'bank'] });
    // Registering again without a secret keeps the key merchants configured.
    expect((await sandbox.control('PUT', `/control/merchants/epay/${pid}`, {})).body.key).toBe(key);
    expect((await sandbox.control('PUT', `/control/merchants/epay/${pid}`, { publicKey: 'x' })).status).toBe(400);
  });

  it('mapi.php answers a QR on a PC and a pay URL on a phone; the same order twice is the same trade', async () => {
    const o = order();
    const pc = await mapi(o);
    expect(pc).toMatchObject({ code: 1, trade_no: expect.stringMatching(/^\d{19}$/), qrcode: expect.stringContaining('/epay/pay/') });
    expect(await mapi(o)).toMatchObject({ code: 1, trade_no: pc.trade_no });
    expect(await mapi({ ...order(), device: 'mobile' })).toMatchObject({ code: 1, payurl: expect.stringContaining('/epay/pay/') });
    const page = await fetch(pc.qrcode!);
    expect(await page.text()).toContain('易支付');
  });

  it.each([
    ['an unknown pid', () => mapi({ ...order(), pid: '1' }), '商户不存在！'],
    ['a bad sign', () => mapi(order(), 'wrong-key-wrong-key'), '签名校验失败，请返回重试！'],
    ['a type not offered', () => mapi(order({ type: 'jdpay' })), '支付方式(type)不存在'],
    ['money with three decimals', () => mapi(order({ money: '9.999' })), '金额不合法'],
    ['money of zero', () => mapi(order({ money: '0' })), '金额不合法'],
    ['a negative amount', () => mapi(order({ money: '-1' })), '金额不合法'],
  ])('mapi.php refuses %s', async (_what, call, msg) => {
    expect(await call()).toEqual({ code: -1, msg });
  });

  it('mapi.php refuses the same out_trade_no with another amount, and a paid one', async () => {
    const o = order();
    expect((await mapi(o)).code).toBe(1);
    expect(await mapi({ ...o, money: '10.00' })).toMatchObject({ code: -1, msg: expect.stringContaining('支付参数有变化') });
    await sandbox.control('POST', `/control/payments/epay/${o.out_trade_no}/complete`, { outcome: 'success' });
    expect(await mapi(o)).toMatchObject({ code: -1, msg: expect.stringContaining('已完成支付') });
  });

  it('submit.php sends the browser to the cashier page', async () => {
    const res = await fetch(`${endpoint}submit.php?${new URLSearchParams(signed(order()))}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^\/epay\/pay\/[0-9a-f]{24}$/);
  });

  it('api.php?act=order authenticates with the plain key and reports unpaid, paid and failed orders', async () => {
    const paid = order();
    const created = await mapi(paid);
    expect(await query({ pid, key: 'nope', out_trade_no: paid.out_trade_no })).toEqual({ code: -3, msg: '商户密钥错误' });
    expect(await query({ pid, key, out_trade_no: 'never' })).toEqual({ code: -1, msg: '订单号不存在' });
    expect(await query({ pid, key, out_trade_no: paid.out_trade_no })).toMatchObject({ code: 1, trade_no: created.trade_no, status: 0, money: '9.90', pid });
    await sandbox.control('POST', `/control/payments/epay/${String(created.trade_no)}/complete`, { outcome: 'success' });
    expect(await query({ pid, key, trade_no: String(created.trade_no) })).toMatchObject({ code: 1, status: 1, out_trade_no: paid.out_trade_no });

    const declined = order();
    await mapi(declined);
    const bad = await sandbox.control('POST', `/control/payments/epay/${declined.out_trade_no}/complete`, { outcome: 'decline', reason: 'NOT_A_REASON' });
    expect(bad.status).toBe(400);
    await sandbox.control('POST', `/control/payments/epay/${declined.out_trade_no}/complete`, { outcome: 'decline', reason: 'RISK_REJECTED' });
    expect(await query({ pid, key, out_trade_no: declined.out_trade_no })).toMatchObject({ code: 1, status: 0, failure: { code: 'RISK_REJECTED', msg: '风控拦截' } });
  });

  it('api.php?act=refund refunds a paid order once; a repeated out_refund_no is the same refund', async () => {
    const o = order();
    await mapi(o);
    const refund = (over: Record<string, string> = {}) => post('api.php?act=refund', { pid, key, out_trade_no: o.out_trade_no, money: '9.90', out_refund_no: 'rf1', ...over });
    expect(await refund()).toMatchObject({ code: -1, msg: '只支持退款已支付状态的订单' });
    await sandbox.control('POST', `/control/payments/epay/${o.out_trade_no}/complete`, { outcome: 'success' });
    expect(await refund({ money: '10.00', out_refund_no: 'rf0' })).toMatchObject({ code: -1, msg: '退款金额不能大于订单金额' });
    expect(await refund()).toMatchObject({ code: 0, money: '9.90' });
    expect(await refund()).toMatchObject({ code: 0, money: '9.90' });
    expect(await refund({ out_refund_no: 'rf2' })).toMatchObject({ code: -1, msg: '只支持退款已支付状态的订单' });
    expect(await query({ pid, key, out_trade_no: o.out_trade_no })).toMatchObject({ status: 2 });
  });

  it('notifies by GET with the signed query, redelivering the same URL on Rainbow\'s schedule until the body contains success', async () => {
    const o = order({ param: 'cart-7' });
    await mapi(o);
    receiver.reply = (n) => (n.params.out_trade_no === o.out_trade_no && receiver.for(o.out_trade_no).length < 3 ? 'fail' : 'OK, SUCCESS');
    await sandbox.control('POST', `/control/payments/epay/${o.out_trade_no}/complete`, { outcome: 'success' });
    const view = async () => (await sandbox.control('GET', `/control/payments?provider=epay&merchantReference=${o.out_trade_no}`)).body.items[0];
    await waitFor(async () => (await view()).notifications[0]?.acknowledged, 'the third delivery to be acknowledged');
    const got = receiver.for(o.out_trade_no);
    expect(got).toHaveLength(3);
    expect(new Set(got.map((n) => n.url)).size).toBe(1);
    expect(got[0].method).toBe('GET');
    const p = got[0].params;
    expect(p).toMatchObject({ pid, out_trade_no: o.out_trade_no, type: 'alipay', name: 'Steam 100', money: '9.90', trade_status: 'TRADE_SUCCESS', param: 'cart-7', sign_type: 'MD5' });
    expect(p.sign).toBe(epayMd5(p, key));
    expect((await view()).notifications[0]).toMatchObject({ attempts: 3, status: 'acknowledged' });
    receiver.reply = () => 'success';
  });

  it('gives up after the first try and four redeliveries', async () => {
    const o = order();
    await mapi(o);
    receiver.reply = (n) => (n.params.out_trade_no === o.out_trade_no ? { status: 500, body: 'error' } : 'success');
    await sandbox.control('POST', `/control/payments/epay/${o.out_trade_no}/complete`, { outcome: 'success' });
    const view = async () => (await sandbox.control('GET', `/control/payments?provider=epay&merchantReference=${o.out_trade_no}`)).body.items[0];
    await waitFor(async () => (await view()).notifications[0]?.status === 'gave_up', 'the notifier to give up');
    expect(receiver.for(o.out_trade_no)).toHaveLength(5);
    receiver.reply = () => 'success';
  });
});
