import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { call, launchChromium, seedDemo, startBrowserStack, type RunningStack } from './browser-stack';

// Screenshots are kept after the run so a person can look at the pages (path printed below).
const shots = mkdtempSync(join(tmpdir(), 'cardshop-channels-'));
const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

describe('paying by WeChat Pay and UnionPay in a browser', () => {
  let stack: RunningStack;
  let browser: Browser;
  let productId: string;

  beforeAll(async () => {
    // Declines are never notified: payments finds them by asking, here 1 s after the attempt starts.
    stack = await startBrowserStack('browser_channels', { payments: { POLL_SCHEDULE_SECONDS: '1,1', POLL_INTERVAL_MS: '300' } });
    productId = (await seedDemo(stack.gateway, stack.opsToken)).sellers[0].products[0];
    browser = await launchChromium();
  }, 200_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    process.stdout.write(`channel screenshots: ${shots}\n`);
  }, 30_000);

  /** Opens the shop, buys the first product and waits for the channel buttons. */
  async function placeOrder(context: BrowserContext, email: string): Promise<{ store: Page; order: { id: string; accessToken: string } }> {
    const store = await context.newPage();
    await store.goto(stack.gateway + '/');
    await store.locator(`button[data-product-id="${productId}"]`).click();
    await store.fill('#email', email);
    const placed = store.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/orders');
    await store.click('#place');
    const order = (await (await placed).json()) as { id: string; accessToken: string };
    await store.locator('#channels button').first().waitFor();
    return { store, order };
  }

  async function delivered(store: Page, order: { id: string; accessToken: string }) {
    const keys = store.locator('#keys .key');
    await keys.first().waitFor({ timeout: 30_000 });
    const api = await call<{ status: string; keys?: string[]; paidChannel?: string }>(stack.gateway, 'GET', `/api/v1/orders/${order.id}`, order.accessToken);
    expect(api.status).toBe('delivered');
    expect(await keys.allTextContents()).toEqual(api.keys);
    return api;
  }

  it('pays by scanning the WeChat Pay QR: the wallet page pays and the storefront shows the keys', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const { store, order } = await placeOrder(context, 'wechat-qr@example.com');
    await store.click('#channels button[data-channel="wechat_pay"]');
    await store.waitForFunction(`(() => { const img = document.getElementById('qr'); return !document.getElementById('qr-box').hidden && img.complete && img.naturalWidth > 0; })()`);
    expect(await store.textContent('#qr-channel')).toBe('WeChat Pay');
    const walletUrl = await store.getAttribute('#wallet', 'href');
    expect(walletUrl).toContain(`${stack.sandbox}/wechat-pay/`);
    await shot(store, '1-wechat-qr');

    const [wallet] = await Promise.all([context.waitForEvent('page'), store.click('#wallet')]);
    await wallet.waitForLoadState();
    expect(await wallet.textContent('.brand')).toContain('WeChat Pay');
    await wallet.click('button.pay');
    await wallet.locator('.status.ok').waitFor();
    await shot(wallet, '2-wechat-wallet-paid');

    expect((await delivered(store, order)).paidChannel).toBe('wechat_pay');
    await shot(store, '3-wechat-delivered');
    await context.close();
  }, 90_000);

  it('pays by UnionPay on a phone: redirected to the UnionPay cashier and back to the shop, which shows the keys', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, userAgent: IPHONE, isMobile: true, hasTouch: true });
    const { store, order } = await placeOrder(context, 'unionpay-h5@example.com');
    // On a phone the router puts channels that open there first; Alipay's QR needs a second device.
    const offered = await store.locator('#channels button').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-channel')));
    expect(offered[0]).toBe('unionpay');
    expect(offered[offered.length - 1]).toBe('alipay');
    await store.click('#channels button[data-channel="unionpay"]');
    const go = store.locator('#redirect');
    await go.waitFor();
    expect(await go.textContent()).toBe('Continue to UnionPay');
    await shot(store, '4-unionpay-redirect');

    // The adapter's page posts the signed form to UnionPay's front gateway, which shows its cashier.
    await go.click();
    await store.waitForURL((u) => u.toString().startsWith(`${stack.sandbox}/unionpay/`));
    await store.locator('button.pay').waitFor();
    expect(await store.textContent('.brand')).toContain('UnionPay');
    await shot(store, '5-unionpay-cashier');
    await store.click('button.pay');

    // UnionPay sends the browser back to the shop, which resumes the order and shows its keys.
    await store.waitForURL((u) => u.toString().startsWith(stack.gateway));
    expect((await delivered(store, order)).paidChannel).toBe('unionpay');
    await shot(store, '6-unionpay-delivered');
    await context.close();
  }, 90_000);

  it('a declined WeChat payment shows its cause and remedy in the buyer’s language, and another channel pays', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'zh-CN' });
    const { store, order } = await placeOrder(context, 'declined@example.com');
    await store.click('#channels button[data-channel="wechat_pay"]');
    await store.locator('#qr-box').waitFor();
    const [wallet] = await Promise.all([context.waitForEvent('page'), store.click('#wallet')]);
    await wallet.waitForLoadState();
    await wallet.click('button.link'); // Decline: in the sandbox, the buyer's balance is too low

    const error = store.locator('#pay-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toMatch(/^余额不足 — 请充值，或换用.+支付$/);
    await shot(store, '7-declined-remedy');
    // The channels the remedy names come first.
    const first = await store.locator('#channels button').first().getAttribute('data-channel');
    expect(first).not.toBe('wechat_pay');

    await store.click('#channels button[data-channel="alipay"]');
    await store.locator('#qr-box').waitFor();
    const [alipay] = await Promise.all([context.waitForEvent('page'), store.click('#wallet')]);
    await alipay.waitForLoadState();
    await alipay.click('button.pay');
    expect((await delivered(store, order)).paidChannel).toBe('alipay');
    await context.close();
  }, 90_000);
});
