import fc from 'fast-check';
import { completeInSandbox, orderReaches, placeOrder, startPayment, type PlacedOrder, type StartedPayment } from './support/checkout';
import { startE2eStack, stopE2eStack, STACK_BOOT_TIMEOUT_MS, type E2eStack } from './support/e2e-stack';
import { eventually, request } from './support/http';
import { PlatformDb } from './support/platform-db';

/**
 * Every provider webhook, attacked: genuine notifications captured on the wire (the sandbox shows
 * what it sent, byte for byte) are forged, tampered with and replayed onto another order, and
 * fast-check throws ≥ 1,000 mutated or random requests at each endpoint. None may get a 5xx, none
 * may pay the unpaid order, and the paid one stays delivered once.
 */
interface Sent {
  id: string;
  label: string;
  status: string;
  probe?: boolean;
  request: { method: 'GET' | 'POST'; url: string; headers: Record<string, string>; body?: string };
}
type Wire = Sent['request'];

/** Per provider: how to forge its signature and where the amount and our reference sit. */
interface Endpoint {
  channel: string;
  provider: string;
  /** Replaces the signature with one not made by the provider's key. */
  forge(w: Wire): Wire;
  /** Changes the amount after signing (for WeChat, bytes of the encrypted resource). */
  tamper(w: Wire): Wire;
  /** Points the notification at another of our references, signature left as it was. */
  retarget(w: Wire, reference: string): Wire;
}

const form = (w: Wire, edit: (p: URLSearchParams) => void): Wire => {
  if (w.method === 'GET') {
    const u = new URL(w.url);
    const p = new URLSearchParams(u.search);
    edit(p);
    u.search = p.toString();
    return { ...w, url: u.toString() };
  }
  const p = new URLSearchParams(w.body ?? '');
  edit(p);
  return { ...w, body: p.toString() };
};
const json = (w: Wire, edit: (o: Record<string, unknown>) => void): Wire => {
  const o = JSON.parse(w.body ?? '{}') as Record<string, unknown>;
  edit(o);
  return { ...w, body: JSON.stringify(o) };
};
const fakeSignature = Buffer.from('not the provider'.repeat(16)).toString('base64');

const ENDPOINTS: Endpoint[] = [
  {
    channel: 'alipay', provider: 'alipay',
    forge: (w) => form(w, (p) => p.set('sign', fakeSignature)),
    tamper: (w) => form(w, (p) => p.set('total_amount', '0.01')),
    retarget: (w, ref) => form(w, (p) => p.set('out_trade_no', ref)),
  },
  {
    channel: 'wechat_pay', provider: 'wechat_pay',
    forge: (w) => ({ ...w, headers: { ...w.headers, 'wechatpay-signature': fakeSignature } }),
    // The amount is inside the AES-GCM ciphertext: any changed byte fails its tag (and the signature).
    tamper: (w) => json(w, (o) => {
      const r = o.resource as { ciphertext: string };
      const bytes = Buffer.from(r.ciphertext, 'base64');
      bytes[Math.floor(bytes.length / 2)] ^= 0x01;
      r.ciphertext = bytes.toString('base64');
    }),
    retarget: (w, ref) => json(w, (o) => { o.summary = ref; o.id = `EV-${ref}`; }),
  },
  {
    channel: 'unionpay', provider: 'unionpay',
    forge: (w) => form(w, (p) => p.set('signature', fakeSignature)),
    tamper: (w) => form(w, (p) => p.set('txnAmt', '1')),
    retarget: (w, ref) => form(w, (p) => p.set('orderId', ref)),
  },
  {
    channel: 'epay:alipay', provider: 'epay',
    forge: (w) => form(w, (p) => p.set('sign', '0'.repeat(32))),
    tamper: (w) => form(w, (p) => p.set('money', '0.01')),
    retarget: (w, ref) => form(w, (p) => p.set('out_trade_no', ref)),
  },
];

async function send(w: Wire): Promise<number> {
  const headers = Object.fromEntries(Object.entries(w.headers).filter(([k]) => !['content-length', 'host', 'connection', 'transfer-encoding'].includes(k.toLowerCase())));
  const res = await fetch(w.url, { method: w.method, headers, body: w.method === 'GET' ? undefined : w.body, signal: AbortSignal.timeout(15_000) });
  await res.arrayBuffer();
  return res.status;
}

/** One random change to a genuine notification, or something else entirely. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('char' as const), at: fc.nat(), ch: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('field' as const), name: fc.oneof(fc.constantFrom('sign', 'signature', 'out_trade_no', 'orderId', 'money', 'total_amount', 'txnAmt', 'pid', 'trade_status', 'respCode', 'resource', 'id', 'signPubKeyCert', 'certId'), fc.string({ maxLength: 12 })), value: fc.string({ unit: 'binary', maxLength: 64 }) }),
  fc.record({ kind: fc.constant('header' as const), name: fc.constantFrom('wechatpay-signature', 'wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-serial', 'content-type'), value: fc.string({ maxLength: 80 }) }),
  fc.record({ kind: fc.constant('dropHeader' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('random' as const), body: fc.uint8Array({ maxLength: 3000 }), contentType: fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream', '') }),
  fc.record({ kind: fc.constant('method' as const), method: fc.constantFrom('GET' as const, 'POST' as const) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(w: Wire, m: Mutation): Wire {
  const text = w.method === 'GET' ? new URL(w.url).search.slice(1) : (w.body ?? '');
  const withText = (t: string): Wire => (w.method === 'GET' ? { ...w, url: `${w.url.split('?')[0]}?${t}` } : { ...w, body: t });
  switch (m.kind) {
    case 'char': {
      const at = text.length ? m.at % text.length : 0;
      return withText(text.slice(0, at) + m.ch + text.slice(at + 1));
    }
    case 'cut':
      return withText(text.slice(0, text.length ? m.at % text.length : 0));
    case 'field':
      if (text.trimStart().startsWith('{')) {
        try {
          return json(w, (o) => { o[m.name] = m.value; });
        } catch {
          return w;
        }
      }
      return form(w, (p) => p.set(m.name, m.value));
    case 'header':
      return { ...w, headers: { ...w.headers, [m.name]: m.value } };
    case 'dropHeader': {
      const names = Object.keys(w.headers);
      if (!names.length) return w;
      const drop = names[m.at % names.length];
      return { ...w, headers: Object.fromEntries(Object.entries(w.headers).filter(([k]) => k !== drop)) };
    }
    case 'random':
      return { ...w, method: 'POST', url: w.url.split('?')[0], headers: m.contentType ? { 'content-type': m.contentType } : {}, body: Buffer.from(m.body).toString('latin1') };
    case 'method':
      return m.method === 'GET' ? { ...w, method: 'GET', url: w.method === 'GET' ? w.url : `${w.url}?${text}`, body: undefined } : { ...w, method: 'POST', url: w.url.split('?')[0], body: text };
  }
}

describe('provider webhooks under attack', () => {
  let e2e: E2eStack;
  let db: PlatformDb;

  beforeAll(async () => {
    e2e = await startE2eStack('webhookfuzz');
    db = new PlatformDb(e2e.stack.databaseUrl);
  }, STACK_BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await db?.close();
    await stopE2eStack(e2e);
  }, 60_000);

  describe.each(ENDPOINTS)('$provider', (ep) => {
    let paid: { order: PlacedOrder; payment: StartedPayment };
    let unpaid: { order: PlacedOrder; payment: StartedPayment };
    let genuine: Wire;

    beforeAll(async () => {
      const { gateway, sandbox } = e2e.stack;
      const order = await placeOrder(gateway, e2e.sellers[0].products[0], 1);
      const payment = await startPayment(gateway, order, ep.channel);
      await completeInSandbox(sandbox, payment.merchantReference, ep.provider);
      await orderReaches(gateway, order, 'delivered');
      paid = { order, payment };
      const sent = await eventually('the genuine notification on the wire', async () => {
        const r = await request(sandbox, 'GET', `/control/payments/${ep.provider}/${encodeURIComponent(payment.merchantReference)}/notifications`);
        return (r.body.items as Sent[]).find((n) => !n.probe && n.status === 'acknowledged');
      });
      genuine = sent.request;
      const other = await placeOrder(gateway, e2e.sellers[0].products[0], 1);
      unpaid = { order: other, payment: await startPayment(gateway, other, ep.channel) };
    }, 60_000);

    it('a forged, a tampered and a retargeted copy of a genuine notification each get a 4xx', async () => {
      for (const [what, w] of [['forged', ep.forge(genuine)], ['tampered', ep.tamper(genuine)], ['retargeted', ep.retarget(genuine, unpaid.payment.merchantReference)]] as const) {
        const status = await send(w);
        expect({ what, status: status >= 400 && status < 500 }).toEqual({ what, status: true });
      }
    });

    it('the genuine notification sent again is acknowledged (providers resend until they hear back) and changes nothing', async () => {
      expect((await send(genuine)) < 300).toBe(true);
      expect(await db.deliveries(paid.order.id)).toBe(1);
      expect(await db.paymentTransfersOnceBooked(paid.payment.attemptId)).toBe(1);
    });

    it('1,000 mutated and random requests: never a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(mutation, async (m) => {
          const status = await send(apply(genuine, m));
          expect(status).toBeLessThan(500);
        }),
        { numRuns: 1000 },
      );
    }, 300_000);

    it('after all of it the unpaid order is unpaid and the paid one delivered once', async () => {
      const r = await request(e2e.stack.gateway, 'GET', `/api/v1/orders/${unpaid.order.id}`, { token: unpaid.order.accessToken });
      expect(r.body.status).toBe('awaiting_payment');
      expect(await db.providerEvents(unpaid.payment.merchantReference)).toBe(0);
      expect(await db.deliveries(paid.order.id)).toBe(1);
      expect(await db.transfersOfOrder(paid.order.id)).toBe(1);
    });
  });
});
