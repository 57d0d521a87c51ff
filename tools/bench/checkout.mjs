// `npm run bench:checkout -- --concurrency 32 --duration 30 [--warmup 45] [--windows 1] [--json] [--cpu-prof <service>[,<service>…]]`
// Starts its own stack, seeds its own catalog through the public API, then has `concurrency`
// buyers loop complete Alipay checkouts and reports throughput, step latencies, errors, CPU and memory.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createClient } from './lib/http-client.mjs';
import { CHANNEL_PROVIDERS, checkout, STEPS } from './lib/checkout-flow.mjs';
import { sample, cpuBetween, machine } from './lib/proc-usage.mjs';
import { summarize, formatReport, percentile } from './lib/stats.mjs';
import { dbCounters, perCheckout } from './lib/db-stats.mjs';
import { roundTripCounters, roundTripsPerCheckout } from './lib/round-trips.mjs';
import { startSpeedProbe } from './lib/speed-probe.mjs';

const require = createRequire(import.meta.url);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { startStack, freeBasePort, SERVICES } = require('../stack/stack.js');
const { call } = require('../stack/seed.js');

const { values: args } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '32' },
    duration: { type: 'string', default: '30' },
    // Checkouts run, unmeasured, for this long first: for the first ~40 s after boot V8 is still
    // optimizing the services' code (its compiler threads take ~12 % of the CPU), and a
    // measurement then says more about start-up than about the platform. `--warmup 5` shows it cold.
    warmup: { type: 'string', default: '45' },
    json: { type: 'boolean', default: false },
    products: { type: 'string', default: '4' },
    'keys-per-product': { type: 'string', default: '5000' },
    quantity: { type: 'string', default: '1' },
    'base-port': { type: 'string', default: process.env.BENCH_BASE_PORT ?? '23000' },
    'cpu-prof': { type: 'string' },
    // The measured time split into this many equal windows, each reported on its own line: shows how
    // much the machine itself moved during the run.
    windows: { type: 'string', default: '1' },
    // Which payment channel every checkout pays through (alipay, wechat_pay, unionpay, epay:alipay, …).
    channel: { type: 'string', default: 'alipay' },
  },
});
const num = (name) => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${args[name]}`);
  return n;
};
const concurrency = Math.max(1, num('concurrency'));
const durationS = Math.max(1, num('duration'));
const warmupS = num('warmup');
const quantity = Math.max(1, num('quantity'));
const windowCount = Math.max(1, num('windows'));
const TIMEOUT_MS = 30_000;
if (!CHANNEL_PROVIDERS[args.channel]) throw new Error(`--channel must be one of ${Object.keys(CHANNEL_PROVIDERS).join(', ')}, got ${args.channel}`);
const say = (s) => process.stderr.write(`${s}\n`);

const namespace = `bench_${randomBytes(4).toString('hex')}`;
let stack;
let stopping;
const stop = () => (stopping ??= stack ? stack.stop().catch((e) => say(`stopping the stack: ${e.message}`)) : Promise.resolve());
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, async () => {
    say(`\n${sig}: stopping the stack…`);
    await stop();
    process.exit(130);
  });
}

try {
  const basePort = await freeBasePort({ from: num('base-port') });
  const serviceEnv = { 'provider-sandbox': { SANDBOX_TIME_SCALE: '0.001' } };
  if (args['cpu-prof']) {
    const dir = path.join(ROOT, '.data/profiles', namespace);
    const preload = path.join(ROOT, 'tools/bench/lib/cpu-profile.cjs');
    for (const name of args['cpu-prof'].split(',')) {
      if (!SERVICES.some((s) => s.name === name)) throw new Error(`--cpu-prof: unknown service ${name}`);
      serviceEnv[name] = { ...serviceEnv[name], NODE_OPTIONS: `-r ${preload}`, CPU_PROFILE_DIR: dir };
    }
    say(`• CPU profiles of ${args['cpu-prof']} will be written to ${dir} when the stack stops`);
  }
  say(`• starting stack ${namespace} at base port ${basePort}`);
  const stackOpts = { namespace, database: namespace, basePort, dropDatabaseOnStop: true, env: { LOG_LEVEL: 'warn' }, serviceEnv, log: (s) => say(`• ${s}`) };
  // Nine services booting at once can miss the stack's 30 s readiness deadline when the machine
  // is busy with other stacks; another try usually gets through.
  for (let attempt = 1; !stack; attempt++) {
    stack = await startStack(stackOpts).catch((e) => {
      if (attempt === 3) throw e;
      say(`• stack did not start (${e.message.split('\n')[0]}); try ${attempt + 1} of 3`);
    });
  }
  const productIds = await seed(stack, num('products'), num('keys-per-product'));
  const report = await run(stack, productIds);
  console.log(formatReport(report));
  if (args.json) console.log(JSON.stringify(jsonLine(report)));
  await stop();
  process.exit(0);
} catch (e) {
  say(`benchmark failed: ${e.stack ?? e.message}`);
  await stop();
  process.exit(1);
}

/** One seller and a few products with enough keys that stock never runs out during the run. */
async function seed(s, products, keysPerProduct) {
  const t = Date.now();
  const seller = await call(s.gateway, 'POST', '/api/v1/ops/sellers', s.opsToken, { name: 'Bench Seller', email: `seller.${namespace.slice(6)}@bench.example`, currency: 'CNY' });
  const ids = [];
  for (let p = 0; p < products; p++) {
    const { id } = await call(s.gateway, 'POST', '/api/v1/seller/products', seller.apiKey, { title: `Bench card ${p + 1}`, description: 'benchmark stock', price: { minor: 1000 + p, currency: 'CNY' }, maxQuantity: 10 });
    // The key import endpoint takes at most 5000 keys per request.
    for (let left = keysPerProduct; left > 0; left -= 5000) {
      const keys = Array.from({ length: Math.min(left, 5000) }, () => `BENCH-${randomBytes(10).toString('hex').toUpperCase()}`);
      await call(s.gateway, 'POST', `/api/v1/seller/products/${id}/keys`, seller.apiKey, { keys });
    }
    ids.push(id);
  }
  say(`• seeded ${products} products × ${keysPerProduct} keys in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return ids;
}

async function run(s, productIds) {
  const client = createClient({ maxSockets: concurrency * 3, timeoutMs: TIMEOUT_MS });
  const opts = { namespace, database: namespace };
  const steps = Object.fromEntries(STEPS.map((n) => [n, []]));
  const totals = [];
  const errorsByKind = {};
  let measuring = false;
  let running = true;
  let seq = 0;

  const worker = async (w) => {
    while (running) {
      const n = seq++;
      const productId = productIds[n % productIds.length];
      try {
        const r = await checkout(client, { gateway: s.gateway, sandbox: s.sandbox, productId, quantity, email: `buyer${w}.${n}.${namespace.slice(6)}@bench.example`, timeoutMs: TIMEOUT_MS, channel: args.channel });
        if (!measuring || !running) continue;
        totals.push(r.totalMs);
        for (const [k, v] of Object.entries(r.steps)) steps[k].push(v);
      } catch (e) {
        if (measuring && running) {
          const kind = `${e.kind ?? 'bench bug'} at ${e.step ?? '?'}`;
          errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
          if (errorsByKind[kind] === 1) say(`  first "${kind}": ${e.message}`);
        }
        // Back off a little so a failing stack is not hammered in a tight loop.
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };

  say(`• ${concurrency} workers: ${warmupS} s warmup, then ${durationS} s measured`);
  const workers = Array.from({ length: concurrency }, (_, w) => worker(w));
  const probe = startSpeedProbe();
  await new Promise((r) => setTimeout(r, warmupS * 1000));
  measuring = true;
  probe.take(); // the warmup's runs are not the measurement's
  const [dbBefore, tripsBefore] = await Promise.all([dbCounters(s.databaseUrl), roundTripCounters(s.urls)]);
  const before = sample(opts);
  const clientBefore = process.cpuUsage();
  const windows = [];
  const probeAll = [];
  const roundTripAll = [];
  let after = before;
  for (let i = 0; i < windowCount; i++) {
    const [from, done] = [after, totals.length];
    await new Promise((r) => setTimeout(r, (durationS * 1000) / windowCount));
    if (i === windowCount - 1) running = false;
    after = sample(opts);
    const { work: probed, roundTrip } = probe.take();
    probeAll.push(...probed);
    roundTripAll.push(...roundTrip);
    const w = cpuBetween(from, after);
    windows.push({ seconds: w.seconds, checkouts: totals.length - done, cpuSeconds: w.groups.reduce((a, g) => a + g.cpu, 0), probeMedianMs: percentile(Float64Array.from(probed).sort(), 50) });
  }
  probe.stop();
  const clientCpu = process.cpuUsage(clientBefore);
  const probeMs = Float64Array.from(probeAll).sort();
  const roundTripUs = Float64Array.from(roundTripAll).sort();
  const [dbAfter, tripsAfter] = await Promise.all([dbCounters(s.databaseUrl), roundTripCounters(s.urls)]);
  say('• measured; letting in-flight checkouts finish');
  await Promise.all(workers);
  client.close();

  const usage = cpuBetween(before, after, [process.pid, ...probe.pids()]);
  const checkouts = totals.length;
  const per = (sec) => (checkouts ? (1000 * sec) / checkouts : 0);
  const cores = machine().cores;
  const sum = (pred) => usage.groups.filter(pred).reduce((a, g) => a + g.cpu, 0);
  const mem = (pred, key) => usage.groups.filter(pred).reduce((a, g) => a + g[key], 0);
  const stackSeconds = sum((g) => g.kind !== 'shared');
  const totalSeconds = sum(() => true);
  return {
    channel: args.channel, concurrency, durationSeconds: usage.seconds, warmupSeconds: warmupS, machine: machine(),
    checkouts, throughputPerSecond: checkouts / usage.seconds,
    errors: Object.values(errorsByKind).reduce((a, b) => a + b, 0), errorsByKind,
    latencyMs: summarize(totals),
    steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, summarize(v)])),
    cpu: {
      stackSeconds, totalSeconds,
      stackPercentOfMachine: (100 * stackSeconds) / (usage.seconds * cores),
      totalPercentOfMachine: (100 * totalSeconds) / (usage.seconds * cores),
      stackMsPerCheckout: per(stackSeconds), totalMsPerCheckout: per(totalSeconds),
      benchClientSeconds: (clientCpu.user + clientCpu.system) / 1e6,
      machineBusyPercent: (100 * usage.machineBusy) / (usage.seconds * cores),
      // Other work on the box, in % of the machine (a busy neighbour or kernel thread explains a slow run).
      others: usage.others.slice(0, 5).map((o) => ({ name: o.name, percentOfMachine: (100 * o.cpu) / (usage.seconds * cores) })),
      groups: usage.groups.map((g) => ({ ...g, msPerCheckout: per(g.cpu) })),
    },
    speedProbe: {
      runs: probeMs.length, p10Ms: percentile(probeMs, 10), medianMs: percentile(probeMs, 50), p90Ms: percentile(probeMs, 90),
      // CPU per checkout in units of the probe's work: comparable across runs and hours on one machine kind.
      totalPerCheckoutInProbes: probeMs.length ? per(totalSeconds) / percentile(probeMs, 50) : null,
      // CPU-µs this side spends per pipe round trip to another process: the kernel's speed, which the fixed work does not see.
      roundTripMedianUs: roundTripUs.length ? percentile(roundTripUs, 50) : null, roundTripP90Us: roundTripUs.length ? percentile(roundTripUs, 90) : null,
    },
    windows: windows.map((w) => {
      const msPerCheckout = w.checkouts ? (1000 * w.cpuSeconds) / w.checkouts : null;
      return { ...w, throughputPerSecond: w.checkouts / w.seconds, msPerCheckout, perCheckoutInProbes: msPerCheckout && w.probeMedianMs ? msPerCheckout / w.probeMedianMs : null };
    }),
    database: perCheckout(dbBefore, dbAfter, totals.length),
    roundTrips: roundTripsPerCheckout(tripsBefore, tripsAfter, totals.length),
    memory: {
      stackRssBytes: mem((g) => g.kind !== 'shared', 'rss'), totalRssBytes: mem(() => true, 'rss'),
      stackPssBytes: mem((g) => g.kind !== 'shared', 'pss'), totalPssBytes: mem(() => true, 'pss'),
      byGroup: Object.fromEntries(usage.groups.map((g) => [g.group, { rss: g.rss, pss: g.pss }])),
    },
  };
}

function jsonLine(r) {
  const { cpu, memory } = r;
  return {
    throughputPerSecond: Math.round(r.throughputPerSecond * 100) / 100, errors: r.errors, errorsByKind: r.errorsByKind,
    latencyMs: { p50: r.latencyMs.p50, p95: r.latencyMs.p95, p99: r.latencyMs.p99 }, steps: r.steps,
    cpu: { stackSeconds: cpu.stackSeconds, totalSeconds: cpu.totalSeconds, stackMsPerCheckout: cpu.stackMsPerCheckout, totalMsPerCheckout: cpu.totalMsPerCheckout, stackPercentOfMachine: cpu.stackPercentOfMachine, totalPercentOfMachine: cpu.totalPercentOfMachine, machineBusyPercent: cpu.machineBusyPercent, others: cpu.others, byGroup: Object.fromEntries(cpu.groups.map((g) => [g.group, g.cpu])) },
    speedProbe: r.speedProbe, windows: r.windows, databasePerCheckout: r.database, roundTripsPerCheckout: r.roundTrips, memory, channel: r.channel, concurrency: r.concurrency, durationSeconds: r.durationSeconds, checkouts: r.checkouts, machine: r.machine,
  };
}

