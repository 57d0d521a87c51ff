import { EpayAdapter } from './epay.adapter';
import { EpayConfig } from './epay.config';
import type { HttpResponseLike } from '@cardshop/platform';
import type { FetchLike } from './epay.http';

const config = new EpayConfig({
  aggregators: [
    { name: 'a', gatewayUrl: 'https://pay-a.example/', pid: '1001', key: 'keyA', types: ['alipay', 'wxpay'] },
    { name: 'b', gatewayUrl: 'https://pay-b.example/sub', pid: '2002', key: 'keyB', types: ['qqpay', 'alipay'] },
  ],
  notifyUrl: 'https://shop.example/webhooks/epay',
  returnUrl: 'https://shop.example/done',
});
const amount = { minor: 990, currency: 'CNY' };
const ok = (body: unknown): HttpResponseLike => ({ ok: true, status: 200, headers: {}, text: async () => JSON.stringify(body) });

/** A fake network: answers per host, records every call. */
function network(answers: Record<string, () => HttpResponseLike | Promise<HttpResponseLike>>) {
  const calls: { url: string; method: string; body?: string }[] = [];
  const fetchImpl: FetchLike = async (url, init) => {
    calls.push({ url, method: init.method, body: init.body });
    return answers[new URL(url).host]();
  };
  return { calls, fetchImpl };
}

describe('EpayAdapter', () => {
  it('declares the union of its aggregators\' types as channels, deduplicated, in config order', () => {
    expect(new EpayAdapter(config).capabilities()).toMatchObject({ provider: 'epay', channels: ['epay:alipay', 'epay:wxpay', 'epay:qqpay'], supportsCancel: false, supportsRefund: true });
  });

  it('posts a signed mapi.php form to the first aggregator offering the type', async () => {
    const net = network({ 'pay-b.example': () => ok({ code: 1, trade_no: 'T9', payurl: 'https://pay-b.example/pay/T9' }) });
    const created = await new EpayAdapter(config, net.fetchImpl).createPayment({ merchantReference: 'att_1', amount, description: 'x', channel: 'epay:qqpay' });
    expect(created).toEqual({ status: 'pending', merchantReference: 'att_1', providerReference: 'T9', nextAction: { type: 'redirect', url: 'https://pay-b.example/pay/T9' } });
    expect(net.calls[0]).toMatchObject({ method: 'POST', url: 'https://pay-b.example/sub/mapi.php' });
    const form = Object.fromEntries(new URLSearchParams(net.calls[0].body));
    expect(form).toMatchObject({ pid: '2002', type: 'qqpay', money: '9.90', clientip: '127.0.0.1', device: 'pc', sign_type: 'MD5', sign: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it('maps a refused create to a failed status with the decline', async () => {
    const net = network({ 'pay-a.example': () => ok({ code: -1, msg: '最大支付金额是500元' }) });
    const created = await new EpayAdapter(config, net.fetchImpl).createPayment({ merchantReference: 'att_1', amount, description: 'x', channel: 'epay:alipay' });
    expect(created).toMatchObject({ status: 'failed', decline: { code: 'limit_exceeded', providerCode: '最大支付金额是500元' } });
  });

  it('asks each aggregator in turn and says not_found only when all of them said 订单号不存在', async () => {
    const notFound = () => ok({ code: -1, msg: '订单号不存在' });
    const net = network({ 'pay-a.example': notFound, 'pay-b.example': notFound });
    expect((await new EpayAdapter(config, net.fetchImpl).queryPayment({ merchantReference: 'att_1', amount })).status).toBe('not_found');
    expect(net.calls.map((c) => [c.method, new URL(c.url).host])).toEqual([['GET', 'pay-a.example'], ['GET', 'pay-b.example']]);
  });

  it('does not say not_found when one aggregator could not answer', async () => {
    const net = network({ 'pay-a.example': () => Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })), 'pay-b.example': () => ok({ code: -1, msg: '订单号不存在' }) });
    await expect(new EpayAdapter(config, net.fetchImpl).queryPayment({ merchantReference: 'att_1', amount })).rejects.toMatchObject({ code: 'PAYMENT.PROVIDER_UNAVAILABLE', retryable: true });
  });

  it('finds the order at the second aggregator and checks its money', async () => {
    const order = (money: string) => ok({ code: 1, trade_no: 'T9', out_trade_no: 'att_1', pid: '2002', money, status: 1 });
    const paid = network({ 'pay-a.example': () => ok({ code: -1, msg: '订单号不存在' }), 'pay-b.example': () => order('9.9') });
    expect(await new EpayAdapter(config, paid.fetchImpl).queryPayment({ merchantReference: 'att_1', amount })).toMatchObject({ status: 'succeeded', amount, providerReference: 'T9' });
    const other = network({ 'pay-a.example': () => ok({ code: -1, msg: '订单号不存在' }), 'pay-b.example': () => order('0.01') });
    await expect(new EpayAdapter(config, other.fetchImpl).queryPayment({ merchantReference: 'att_1', amount })).rejects.toMatchObject({ code: 'PAYMENT.INTEGRITY_MISMATCH' });
  });

  it('never puts the key (sent in api.php\'s URL) into an error', async () => {
    const net = network({ 'pay-a.example': () => ({ ok: false, status: 502, headers: {}, text: async () => 'bad gateway' }), 'pay-b.example': () => ok({ code: -1, msg: '订单号不存在' }) });
    const err = await new EpayAdapter(config, net.fetchImpl).queryPayment({ merchantReference: 'att_1', amount }).catch((e: Error) => e);
    expect(net.calls[0].url).toContain('key=keyA');
    expect(JSON.stringify({ message: (err as Error).message, err })).not.toContain('keyA');
  });
});
