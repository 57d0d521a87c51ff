import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, Response } from 'playwright-core';
import { call, launchChromium, seedDemo, startBrowserStack, type RunningStack } from './browser-stack';

// Screenshots are kept after the run so a person can look at the pages (path printed below).
const shots = mkdtempSync(join(tmpdir(), 'cardshop-storefront-'));
const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

describe('storefront in a browser', () => {
  let stack: RunningStack;
  let browser: Browser;
  let productId: string;

  beforeAll(async () => {
    stack = await startBrowserStack('browser_storefront');
    productId = (await seedDemo(stack.gateway, stack.opsToken)).sellers[0].products[0];
    browser = await launchChromium();
  }, 200_000); // boot is ~15 s alone, but the stack allows each service 90 s when several stacks share two cores

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    process.stdout.write(`storefront screenshots: ${shots}\n`);
  }, 30_000);

  it('paying the QR in the wallet shows the delivered keys on the storefront over SSE, without a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const store = await context.newPage();
    let documentLoads = 0;
    store.on('load', () => documentLoads++);
    await store.goto(stack.gateway + '/');
    const buy = store.locator(`button[data-product-id="${productId}"]`);
    await buy.waitFor();
    await shot(store, '1-products');

    await buy.click();
    await store.fill('#email', 'buyer@example.com');
    const placed = store.waitForResponse((r: Response) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/orders');
    await store.click('#place');
    const order = (await (await placed).json()) as { id: string; accessToken: string; total: { minor: number; currency: string } };
    // The router's channels for this buyer, best first: Alipay for a buyer in China.
    const first = store.locator('#channels button').first();
    await first.waitFor();
    expect(await first.getAttribute('data-channel')).toBe('alipay');
    await first.click();

    // A string, not a function: the specs compile without the DOM library.
    await store.waitForFunction(`(() => { const img = document.getElementById('qr'); return img.complete && img.naturalWidth > 0; })()`);
    await shot(store, '2-qr');
    // Seeded at 9800 minor units of CNY: the page formats by the currency's exponent (2).
    expect(order.total).toEqual({ minor: 9800, currency: 'CNY' });
    expect(await store.textContent('#total')).toBe('¥98.00');

    // The QR image and the wallet link carry the same payment: the link is what the QR encodes.
    const walletUrl = await store.getAttribute('#wallet', 'href');
    expect(new URL((await store.getAttribute('#qr', 'src'))!, stack.gateway).searchParams.get('content')).toBe(walletUrl);
    expect(walletUrl).toContain(stack.sandbox + '/alipay/qr/');

    const [wallet] = await Promise.all([context.waitForEvent('page'), store.click('#wallet')]);
    await wallet.waitForLoadState();
    expect(await wallet.textContent('.amount')).toBe('¥98.00');
    await shot(wallet, '3-wallet');
    await wallet.click('button.pay');
    await wallet.locator('.status.ok').waitFor();
    await shot(wallet, '4-wallet-paid');

    const shownKeys = store.locator('#keys .key');
    await shownKeys.first().waitFor({ timeout: 20_000 });
    await shot(store, '5-delivered');
    const api = await call<{ status: string; keys?: string[] }>(stack.gateway, 'GET', `/api/v1/orders/${order.id}`, order.accessToken);
    expect(api.status).toBe('delivered');
    expect(api.keys?.length).toBeGreaterThan(0);
    expect(await shownKeys.allTextContents()).toEqual(api.keys);
    expect(await store.locator('#order-status').textContent()).toBe('delivered');
    expect(documentLoads).toBe(1);
    await context.close();
  }, 60_000);

  it('coming back to an unpaid order (a reload, a closed tab) shows its live QR and the time left instead of a new order', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const store = await context.newPage();
    await store.goto(stack.gateway + '/');
    await store.locator(`button[data-product-id="${productId}"]`).click();
    await store.fill('#email', 'returning@example.com');
    const placed = store.waitForResponse((r: Response) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/orders');
    await store.click('#place');
    const order = (await (await placed).json()) as { id: string };
    await store.click('#channels button[data-channel="alipay"]');
    await store.locator('#qr-box').waitFor();
    await store.locator('#time-left').filter({ hasText: /Time left to pay: 1[45]:\d\d/ }).waitFor();
    const wallet = await store.getAttribute('#wallet', 'href');

    const orderPosts: string[] = [];
    store.on('request', (r) => (r.method() === 'POST' ? orderPosts.push(new URL(r.url()).pathname) : undefined));
    await store.reload();
    await store.locator('#pay').waitFor();
    expect(await store.textContent('#order-id')).toBe('#' + order.id.slice(0, 8));
    expect(await store.getAttribute('#wallet', 'href')).toBe(wallet);
    await store.locator('#time-left').filter({ hasText: /Time left to pay: 1[45]:\d\d/ }).waitFor();
    await shot(store, '6-resumed');
    expect(orderPosts).toEqual([]);
    await context.close();
  }, 60_000);
});
