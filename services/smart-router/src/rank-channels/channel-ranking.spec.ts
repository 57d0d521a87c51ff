import { rankChannels, type Channel } from './channel-ranking';

const ch = (name: string, over: Partial<Channel> = {}): Channel => ({ name, currencies: ['CNY'], countries: [], minMinor: 1n, maxMinor: 5_000_000n, enabled: true, flows: ['qr'], ...over });
const priorities = { CN: ['alipay', 'wechat'], BR: ['boleto', 'alipay'], '*': ['wechat', 'alipay'] };
const names = (country: string, amountMinor: bigint, currency: string, channels: Channel[]) =>
  rankChannels(channels, { country, amountMinor, currency }, priorities).map((r) => r.channel);

describe('rankChannels', () => {
  it.each([
    ['the buyer country order is used', 'CN', 100n, 'CNY', [ch('wechat'), ch('alipay')], ['alipay', 'wechat']],
    ['a country without its own order falls back to *', 'US', 100n, 'CNY', [ch('alipay'), ch('wechat')], ['wechat', 'alipay']],
    ['an unknown country falls back to *', '', 100n, 'CNY', [ch('alipay'), ch('wechat')], ['wechat', 'alipay']],
    ['a disabled channel is left out', 'CN', 100n, 'CNY', [ch('alipay', { enabled: false }), ch('wechat')], ['wechat']],
    ['a channel without the currency is left out', 'CN', 100n, 'USD', [ch('alipay'), ch('paypal', { currencies: ['USD'] })], ['paypal']],
    ['an amount below the minimum is left out', 'CN', 99n, 'CNY', [ch('alipay', { minMinor: 100n }), ch('wechat')], ['wechat']],
    ['an amount above the maximum is left out', 'CN', 5_000_001n, 'CNY', [ch('alipay'), ch('wechat', { maxMinor: 10_000_000n })], ['wechat']],
    ['the limits themselves are inside', 'CN', 5_000_000n, 'CNY', [ch('alipay')], ['alipay']],
    ['a channel limited to other countries is left out', 'CN', 100n, 'CNY', [ch('boleto', { countries: ['BR'] }), ch('alipay')], ['alipay']],
    ['unlisted channels come after listed ones, by name', 'CN', 100n, 'CNY', [ch('zpay'), ch('apay'), ch('wechat')], ['wechat', 'apay', 'zpay']],
    ['nothing eligible gives an empty list', 'CN', 100n, 'JPY', [ch('alipay')], []],
  ])('%s', (_rule, country, amount, currency, channels, expected) => {
    expect(names(country, amount, currency, channels)).toEqual(expected);
  });

  it('only the first channel is recommended and scores fall from 1', () => {
    const r = rankChannels([ch('alipay'), ch('wechat'), ch('zpay')], { country: 'CN', amountMinor: 100n, currency: 'CNY' }, priorities);
    expect(r.map((x) => [x.recommended, x.score])).toEqual([[true, 1], [false, 0.6667], [false, 0.3333]]);
  });

  it('reasons say the priority, the currency and the limits in plain units', () => {
    const [r] = rankChannels([ch('alipay')], { country: 'CN', amountMinor: 100n, currency: 'CNY' }, { CN: ['alipay'], '*': ['alipay'] });
    expect(r.reasons).toEqual(['priority 1 for CN', 'accepts CNY', 'amount within 0.01–50000.00']);
  });

  it('on a phone, channels that open there come before QR-only ones, keeping the country order within each', () => {
    const channels = [ch('alipay'), ch('wechat', { flows: ['qr', 'redirect'] }), ch('zpay', { flows: ['redirect'] })];
    const rank = (device: string) => rankChannels(channels, { country: 'CN', device, amountMinor: 100n, currency: 'CNY' }, priorities);
    expect(rank('desktop').map((r) => r.channel)).toEqual(['alipay', 'wechat', 'zpay']);
    for (const phone of ['mobile', 'ios', 'android']) expect(rank(phone).map((r) => r.channel)).toEqual(['wechat', 'zpay', 'alipay']);
    expect(rank('mobile').find((r) => r.channel === 'alipay')?.reasons).toContain('QR only: needs a second device to scan');
    expect(rank('mobile')[0].reasons).toContain('opens on the phone');
  });
});
