// `npm run bench:hops [-- --requests 3000 --concurrency 16 --json]`
// What one request costs each process, hop by hop: starts its own stack, then sends each kind of
// public request many times and divides every process's CPU time by the number sent. Checkout
// throughput is the sum of such costs; this shows which hop to make cheaper, with far less noise
// than a whole checkout run (each scenario is short and measured on a quiet, warmed-up stack).
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createClient } from './lib/http-client.mjs';
import { sample, cpuBetween } from './lib/proc-usage.mjs';

const require = createRequire(import.meta.url);
const { startStack, freeBasePort } = require('../stack/stack.js');
const { seedDemo } = require('../stack/seed.js');
const { connect, headers: natsHeaders } = require('nats');
const contracts = require('../../libs/contracts/dist/index.js');

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '16' },
    warmup: { type: 'string', default: '1000' },
    json: { type: 'boolean', default: false },
  },
});
const requests = Number(args.requests);
const concurrency = Number(args.concurrency);
const warmup = Number(args.warmup);
for (const [k, v] of Object.entries({ requests, concurrency, warmup })) if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a positive integer`);
const say = (s) => process.stderr.write(`${s}\n`);

const namespace = `hops_${randomBytes(4).toString('hex')}`;
const stack = await startStack({ namespace, database: namespace, basePort: await freeBasePort(), dropDatabaseOnStop: true, env: { LOG_LEVEL: 'warn', SANDBOX_TIME_SCALE: '0.001' } });
let nc;
try {
  const client = createClient({ maxSockets: concurrency, timeoutMs: 30_000 });
  const { sellers } = await seedDemo(stack.gateway, stack.opsToken, {
    force: true,
    catalog: [{ seller: { name: 'Hops', email: 'hops@bench.example' }, products: [{ title: 'Hop key', description: 'benchmark', price: 100, keys: requests + warmup + 10 }] }],
  });
  const productId = sellers[0].products[0];
  const g = stack.gateway;
  const order = await client.json('POST', `${g}/api/v1/orders`, { body: { productId, quantity: 1, email: 'hops@bench.example' } });
  const token = order.accessToken;
  // One request/reply straight over NATS, no HTTP and no caller service: what a responder and
  // nats-server spend on one message. Compare --concurrency 1 (every message wakes the processes on
  // its own) with the default 16 (a wakeup finds several messages waiting).
  nc = await connect({ servers: stack.natsUrl, name: 'bench-hops' });
  const rankSubject = contracts.rpcSubject(namespace, contracts.patternOfMethod(contracts.RoutingService.method.rankChannels));
  const rankBody = contracts.encodeMessage(contracts.RankChannelsRequestSchema, { orderId: order.id, country: 'CN', device: 'desktop', amount: { minorAmount: 100n, currency: 'CNY' }, email: 'hops@bench.example' });
  const rankOverNats = async () => {
    const h = natsHeaders();
    h.set('Cardshop-Correlation-Id', order.id);
    const m = await nc.request(rankSubject, rankBody, { timeout: 30_000, headers: h });
    if (m.headers?.get('Cardshop-Reply') !== 'data') throw new Error(`RankChannels answered ${new TextDecoder().decode(m.data)}`);
  };

  // Each scenario: what it crosses, and one request of it.
  const scenarios = [
    ['GET /health/live', 'gateway only (HTTP stack)', () => client.json('GET', `${g}/health/live`)],
    ['GET /api/v1/products', 'gateway → catalog.ListProducts (1 SELECT)', () => client.json('GET', `${g}/api/v1/products`)],
    ['GET /api/v1/orders/:id', 'gateway → orders.GetOrder, then payments.GetPayment', () => client.json('GET', `${g}/api/v1/orders/${order.id}`, { token })],
    ['GET /api/v1/orders/:id/payment-options', 'gateway → orders.GetOrder, then router.RankChannels', () => client.json('GET', `${g}/api/v1/orders/${order.id}/payment-options`, { token })],
    ['POST /api/v1/orders', 'gateway → orders.PlaceOrder → catalog.ReserveKeys; 2 statements, 1 event', () => client.json('POST', `${g}/api/v1/orders`, { body: { productId, quantity: 1, email: 'hops@bench.example' } })],
    ['NATS RankChannels', 'router.RankChannels straight over NATS (this process asks; no HTTP, no SQL)', rankOverNats],
  ];

  const results = [];
  for (const [name, crosses, send] of scenarios) {
    await drive(send, warmup);
    const before = sample({ namespace, database: namespace });
    const t0 = performance.now();
    await drive(send, requests);
    const seconds = (performance.now() - t0) / 1000;
    const usage = cpuBetween(before, sample({ namespace, database: namespace }));
    const perRequestMs = Object.fromEntries(usage.groups.filter((x) => x.kind !== 'shared' || x.group.startsWith('nats')).map((x) => [x.group, (x.cpu * 1000) / requests]).filter(([, ms]) => ms >= 0.005));
    results.push({ name, crosses, perSecond: requests / seconds, perRequestMs, totalMs: Object.values(perRequestMs).reduce((a, b) => a + b, 0) });
    say(`• ${name}: done`);
  }

  if (args.json) console.log(JSON.stringify({ requests, concurrency, results }));
  else {
    console.log(`CPU-ms per request, by process (${requests} requests per scenario, ${concurrency} at a time, after ${warmup} unmeasured)\n`);
    for (const r of results) {
      console.log(`${r.name}  — ${r.crosses}`);
      console.log(`  ${r.perSecond.toFixed(0)}/s; ${r.totalMs.toFixed(2)} CPU-ms in all: ${Object.entries(r.perRequestMs).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}\n`);
    }
  }
} finally {
  await nc?.close();
  await stack.stop();
}

async function drive(send, n) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      next++;
      await send();
    }
  }));
}
