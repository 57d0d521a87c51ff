import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { call, launchChromium, seedDemo, startBrowserStack, type RunningStack } from './browser-stack';

const shots = mkdtempSync(join(tmpdir(), 'cardshop-dashboards-'));

/**
 * In-page expression: the text of the cell under `column`, in the row whose `keyColumn` cell
 * reads `key`, of the dashboard section titled `section` (null when absent). A string, not a
 * function: the specs compile without the DOM library.
 */
const cellExpr = (section: string, keyColumn: string, key: string, column: string) => `(() => {
  const s = [...document.querySelectorAll('section')].find((x) => x.querySelector('h2')?.textContent === ${JSON.stringify(section)});
  if (!s) return null;
  const heads = [...s.querySelectorAll('th')].map((th) => th.textContent);
  const k = heads.indexOf(${JSON.stringify(keyColumn)}), c = heads.indexOf(${JSON.stringify(column)});
  const row = [...s.querySelectorAll('tbody tr')].find((tr) => tr.cells[k]?.textContent === ${JSON.stringify(key)});
  return row && c >= 0 ? row.cells[c].textContent : null;
})()`;

const readCell = (page: Page, ...a: Parameters<typeof cellExpr>) => page.evaluate(cellExpr(...a)) as Promise<string | null>;
/** Waits, without reloading, until the cell shows `expected` (the dashboards refresh themselves every 10 s). */
const cellBecomes = (page: Page, expected: number, ...a: Parameters<typeof cellExpr>) =>
  page.waitForFunction(`Number(${cellExpr(...a)}) === ${expected}`, undefined, { timeout: 30_000, polling: 500 });

describe('ops dashboards in a browser', () => {
  let stack: RunningStack;
  let browser: Browser;
  let context: BrowserContext;
  let productId: string;

  beforeAll(async () => {
    stack = await startBrowserStack('browser_dashboards');
    productId = (await seedDemo(stack.gateway, stack.opsToken)).sellers[0].products[0];
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1300, height: 900 }, extraHTTPHeaders: { authorization: `Bearer ${stack.opsToken}` } });
  }, 200_000); // as the storefront suite: boot can be slow when stacks share two cores

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    process.stdout.write(`dashboard screenshots: ${shots}\n`);
  }, 30_000);

  it('the orders and catalog dashboards show live numbers: a checkout moves the funnel and the stock without anyone reloading', async () => {
    const orders = await context.newPage();
    const catalog = await context.newPage();
    await orders.goto(`${stack.urls.orders}/ops`);
    await catalog.goto(`${stack.urls.catalog}/ops`);
    const { title } = await call<{ title: string }>(stack.gateway, 'GET', `/api/v1/products/${productId}`);
    const funnel = ['Funnel', 'window', 'last hour'] as const;
    const stock = ['Stock per product and seller', 'title', title] as const;
    const deliveredBefore = Number(await readCell(orders, ...funnel, 'delivered'));
    const availableBefore = Number(await readCell(catalog, ...stock, 'available'));
    expect(availableBefore).toBeGreaterThan(2);

    // One whole checkout through the public API, as a buyer and Alipay would.
    const order = await call<{ id: string; accessToken: string }>(stack.gateway, 'POST', '/api/v1/orders', null, { productId, quantity: 2, email: 'dash@example.com' });
    const payment = await call<{ merchantReference: string }>(stack.gateway, 'POST', `/api/v1/orders/${order.id}/payments`, order.accessToken, { channel: 'alipay' });
    await call(stack.sandbox, 'POST', `/control/payments/alipay/${encodeURIComponent(payment.merchantReference)}/complete`, null, { outcome: 'success' });

    await cellBecomes(orders, deliveredBefore + 1, ...funnel, 'delivered');
    await cellBecomes(catalog, availableBefore - 2, ...stock, 'available');
    expect(Number(await readCell(catalog, ...stock, 'sold'))).toBeGreaterThanOrEqual(2);
    expect(await orders.textContent('body')).toContain('Stuck orders');
    await orders.screenshot({ path: join(shots, 'orders-ops.png'), fullPage: true });
    await catalog.screenshot({ path: join(shots, 'catalog-ops.png'), fullPage: true });
  }, 120_000);

  it('without the ops credential the dashboards answer 401 (the browser then asks for credentials)', async () => {
    const anonymous = await browser.newContext();
    for (const service of ['orders', 'catalog']) {
      const r = await anonymous.request.get(`${stack.urls[service]}/ops`);
      expect([r.status(), r.headers()['www-authenticate']]).toEqual([401, expect.stringMatching(/^Basic realm="ops"/)]);
    }
    await anonymous.close();
  });
});
