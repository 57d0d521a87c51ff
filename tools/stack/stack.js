// Starts the whole platform as separate processes, each a NestJS service with its own schema, and
// gives tests and the runner handles to kill, restart and stop them.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { spawn } = require('node:child_process');
const { generateKeyPairSync, randomBytes } = require('node:crypto');
const { ROOT, DATA, ensurePostgres, ensureNats, ensureDatabase, dropDatabase } = require('./infra');

/** Every process of the platform: folder, port offset from the base port, and its own settings. */
const SERVICES = [
  { name: 'provider-sandbox', dir: 'services/provider-sandbox', port: (b) => b + 1000 },
  { name: 'catalog', dir: 'services/catalog', port: (b) => b + 101 },
  { name: 'orders', dir: 'services/orders', port: (b) => b + 102 },
  { name: 'payments', dir: 'services/payments', port: (b) => b + 103 },
  { name: 'smart-router', dir: 'services/smart-router', port: (b) => b + 104 },
  { name: 'risk', dir: 'services/risk', port: (b) => b + 105 },
  { name: 'settlement', dir: 'services/settlement', port: (b) => b + 106 },
  { name: 'adapter-alipay', dir: 'services/adapters/alipay', port: (b) => b + 201 },
  { name: 'adapter-wechat-pay', dir: 'services/adapters/wechat-pay', port: (b) => b + 202 },
  { name: 'adapter-unionpay', dir: 'services/adapters/unionpay', port: (b) => b + 203 },
  { name: 'adapter-epay', dir: 'services/adapters/epay', port: (b) => b + 204 },
  { name: 'api-gateway', dir: 'services/api-gateway', port: (b) => b },
];

/**
 * Each adapter's merchant account, opened at the sandbox as at the provider's console: what the
 * merchant registers there and the settings it gets back. `secrets` are the stack's own (kept in
 * .data), so a restarted stack registers the same keys again and old payments stay verifiable.
 */
const MERCHANTS = {
  'adapter-alipay': {
    provider: 'alipay', id: '2021000000000001',
    body: ({ secrets, notifyUrl }) => ({ publicKey: secrets.alipayMerchant.publicKey, notifyUrl }),
    env: ({ secrets, notifyUrl, reg, id }) => ({
      ALIPAY_APP_ID: id, ALIPAY_PRIVATE_KEY: secrets.alipayMerchant.privateKey, ALIPAY_NOTIFY_URL: notifyUrl,
      ALIPAY_PUBLIC_KEY: reg.alipayPublicKey, ALIPAY_GATEWAY_URL: reg.endpoint,
    }),
  },
  'adapter-wechat-pay': {
    provider: 'wechat_pay', id: '1900000109',
    body: ({ secrets, notifyUrl }) => ({ publicKey: secrets.wechatMerchant.publicKey, secret: secrets.wechatApiV3Key, notifyUrl }),
    env: ({ secrets, notifyUrl, reg }) => ({
      WECHATPAY_MCHID: reg.mchid, WECHATPAY_APPID: reg.appid, WECHATPAY_MERCHANT_PRIVATE_KEY: secrets.wechatMerchant.privateKey,
      WECHATPAY_MERCHANT_SERIAL: reg.merchantSerial, WECHATPAY_PLATFORM_PUBLIC_KEY: reg.platformPublicKey, WECHATPAY_PLATFORM_SERIAL: reg.platformSerial,
      WECHATPAY_APIV3_KEY: secrets.wechatApiV3Key, WECHATPAY_BASE_URL: reg.endpoint, WECHATPAY_NOTIFY_URL: notifyUrl,
    }),
  },
  'adapter-unionpay': {
    provider: 'unionpay', id: '777290058110048',
    body: ({ secrets, notifyUrl }) => ({ publicKey: secrets.unionpayMerchant.publicKey, notifyUrl }),
    env: ({ secrets, notifyUrl, reg, urls }) => ({
      UNIONPAY_MER_ID: reg.merId, UNIONPAY_SIGN_PRIVATE_KEY: secrets.unionpayMerchant.privateKey, UNIONPAY_SIGN_CERT: reg.certificate,
      UNIONPAY_ROOT_CERT: reg.rootCertificate, UNIONPAY_MIDDLE_CERT: reg.middleCertificate, UNIONPAY_GATEWAY_URL: reg.endpoint,
      UNIONPAY_BACK_URL: notifyUrl, UNIONPAY_FRONT_URL: `${urls['api-gateway']}/`, UNIONPAY_PAY_PAGE_URL: `${urls['adapter-unionpay']}/pay/unionpay`,
    }),
  },
  // Two aggregator merchants at one simulated aggregator, offering different payment types.
  'adapter-epay': {
    provider: 'epay', id: ['1001', '1002'],
    body: ({ secrets, notifyUrl, id }) => ({ secret: secrets.epayKeys[id], notifyUrl }),
    env: ({ notifyUrl, reg, urls }) => ({
      EPAY_AGGREGATORS: JSON.stringify([
        { name: 'aggregator-a', gatewayUrl: reg[0].endpoint, pid: reg[0].pid, key: reg[0].key, types: ['alipay', 'wxpay'] },
        { name: 'aggregator-b', gatewayUrl: reg[1].endpoint, pid: reg[1].pid, key: reg[1].key, types: ['qqpay', 'bank'] },
      ]),
      EPAY_NOTIFY_URL: notifyUrl, EPAY_RETURN_URL: `${urls['api-gateway']}/`,
    }),
  },
};

/** Opens one adapter's merchant account(s) at the sandbox and returns the adapter's settings. */
async function registerMerchant(name, { sandboxUrl, secrets, urls }) {
  const m = MERCHANTS[name];
  const notifyUrl = `${urls[name]}/webhooks/${m.provider}`;
  const ids = Array.isArray(m.id) ? m.id : [m.id];
  const regs = [];
  for (const id of ids) {
    const res = await fetch(`${sandboxUrl}/control/merchants/${m.provider}/${id}`, {
      method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(m.body({ secrets, notifyUrl, id })),
    });
    if (!res.ok) throw new Error(`registering the ${m.provider} merchant ${id} at the sandbox failed: ${res.status} ${await res.text()}`);
    regs.push(await res.json());
  }
  return m.env({ secrets, notifyUrl, urls, id: ids[0], reg: Array.isArray(m.id) ? regs : regs[0] });
}

const schemaOf = (name) => name.replace(/-/g, '_');

/** Linux hands out outgoing connections' local ports from 32768 up: stacks stay below it. */
const EPHEMERAL_PORTS_START = 32768;
const SPAN = Math.max(...SERVICES.map((s) => s.port(0))) + 1;
/** Ports a stack listens on besides the services' HTTP ports: the orders service's dev mail capture. */
const SMTP_CAPTURE_PORT = (b) => b + 125;
const stackPorts = (b) => [...SERVICES.map((svc) => svc.port(b)), SMTP_CAPTURE_PORT(b)];

function portFree(port) {
  const net = require('node:net');
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A base port whose every service port is free now and below the ephemeral range, where an
 * outgoing connection (to PostgreSQL, NATS, a browser's) could take one at any moment. Throwaway
 * stacks (tests, benchmarks) pick a random slot from `from`; several can run on one machine.
 */
async function freeBasePort({ from = 20000, tries = 40 } = {}) {
  const slots = Math.floor((EPHEMERAL_PORTS_START - SPAN - from) / SPAN);
  if (slots < 1) throw new Error(`no room for a stack between port ${from} and ${EPHEMERAL_PORTS_START}`);
  for (let i = 0; i < tries; i++) {
    const base = from + Math.floor(Math.random() * slots) * SPAN;
    if ((await Promise.all(stackPorts(base).map(portFree))).every(Boolean)) return base;
  }
  throw new Error(`no free port range for a stack between ${from} and ${EPHEMERAL_PORTS_START}`);
}

async function waitReady(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before becoming ready`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms (${url})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts PostgreSQL/NATS if needed, then every service in dependency order.
 * @param {{ namespace?: string, database?: string, basePort?: number, opsToken?: string, env?: Record<string,string>,
 *           serviceEnv?: Record<string, Record<string,string>>, log?: (s: string) => void, echo?: boolean, dropDatabaseOnStop?: boolean,
 *           readyTimeoutMs?: number }} opts
 */
async function startStack(opts = {}) {
  const log = opts.log ?? (() => {});
  // A loaded machine (CI, parallel suites) can take a while to boot nine Node processes.
  const readyTimeoutMs = opts.readyTimeoutMs ?? Number(process.env.STACK_READY_TIMEOUT_MS ?? 90000);
  const namespace = opts.namespace ?? 'cardshop';
  const basePort = opts.basePort ?? 3000;
  const opsToken = opts.opsToken ?? process.env.OPS_TOKEN ?? `ops-${randomBytes(12).toString('hex')}`;
  const pg = await ensurePostgres(log);
  const nats = await ensureNats(log);
  const dbName = opts.database ?? namespace;
  const databaseUrl = await ensureDatabase(pg.adminUrl, dbName);
  const logDir = path.join(DATA, 'logs', namespace);
  fs.mkdirSync(logDir, { recursive: true });

  const urls = Object.fromEntries(SERVICES.map((s) => [s.name, `http://127.0.0.1:${s.port(basePort)}`]));
  const secrets = stackSecrets(namespace);
  const common = {
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    DATABASE_URL: databaseUrl,
    NATS_URL: nats.url,
    NATS_NAMESPACE: namespace,
    OPS_TOKEN: opsToken,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    SANDBOX_URL: urls['provider-sandbox'],
    ...opts.env,
  };
  const own = {
    'provider-sandbox': { SANDBOX_PUBLIC_URL: urls['provider-sandbox'], SANDBOX_TIME_SCALE: opts.env?.SANDBOX_TIME_SCALE ?? process.env.SANDBOX_TIME_SCALE ?? '1' },
    catalog: { CARD_KEY_ENCRYPTION_KEY: secrets.cardKeyKey },
    // Delivery emails go to the orders service's own capture server; its mailbox is on orders /ops.
    orders: { ACCESS_TOKEN_SECRET: secrets.accessTokenSecret, SMTP_CAPTURE_PORT: String(SMTP_CAPTURE_PORT(basePort)) },
    'api-gateway': { PUBLIC_BASE_URL: urls['api-gateway'] },
  };

  const procs = new Map();
  const spawnService = (svc) => {
    const env = { ...process.env, ...common, ...(own[svc.name] ?? {}), ...(opts.serviceEnv?.[svc.name] ?? {}), SERVICE_NAME: svc.name, HTTP_PORT: String(svc.port(basePort)), DB_SCHEMA: schemaOf(svc.name) };
    const out = fs.openSync(path.join(logDir, `${svc.name}.log`), 'a');
    // A young generation of 32 MB semi-spaces instead of V8's default: services allocate many
    // short-lived objects per message, and fewer scavenges cut the whole stack's CPU per checkout by
    // ~15 % (bench:checkout 49.6 → 60.3/s on one machine). And V8 optimizes a function after an
    // eighth of its default interrupt budget (8 KB of bytecode run, not 66 KB): each service sees
    // only its share of every checkout, so at the default much of its code still ran unoptimized, or
    // was being compiled, more than a minute after boot (~16 % less CPU per checkout in interleaved
    // runs; README, 2026-12-07). deploy/docker/Dockerfile sets the same flags: NODE_OPTIONS cannot
    // carry --interrupt-budget, so the two command lines are kept in step by hand.
    const child = spawn(process.execPath, ['--enable-source-maps', '--max-semi-space-size=32', '--interrupt-budget=8192', '-r', path.join(ROOT, 'libs/platform/dist/telemetry/register.js'), path.join(ROOT, svc.dir, 'dist/main.js')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', opts.echo ? 'inherit' : out, opts.echo ? 'inherit' : out],
    });
    procs.set(svc.name, child);
    return child;
  };
  const startOne = async (svc) => {
    const child = spawnService(svc);
    try {
      await waitReady(`${urls[svc.name]}/health/ready`, child, readyTimeoutMs);
    } catch (e) {
      const tail = fs.readFileSync(path.join(logDir, `${svc.name}.log`), 'utf8').split('\n').slice(-15).join('\n');
      throw new Error(`${svc.name} ${e.message}\n--- last lines of ${svc.name}.log ---\n${tail}`);
    }
  };

  const stack = {
    namespace, urls, opsToken, databaseUrl, natsUrl: nats.url, logDir,
    gateway: urls['api-gateway'],
    sandbox: urls['provider-sandbox'],
    /** Sends a signal to one service (SIGKILL simulates a crash) and waits for it to exit. */
    async kill(name, signal = 'SIGKILL') {
      const child = procs.get(name);
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
    /** Sends a signal without waiting (SIGSTOP freezes a service, as a hung process would be). */
    signal(name, signal) {
      const child = procs.get(name);
      if (child && child.exitCode === null) child.kill(signal);
    },
    async start(name) {
      await startOne(SERVICES.find((s) => s.name === name));
    },
    async stop() {
      await Promise.all([...procs.values()].map((c) => c.exitCode === null && c.signalCode === null ? new Promise((r) => { c.once('exit', r); c.kill('SIGTERM'); setTimeout(() => c.kill('SIGKILL'), 8000).unref(); }) : null));
      if (opts.dropDatabaseOnStop) {
        await dropDatabase(pg.adminUrl, dbName).catch(() => {});
        await deleteStreams(nats.url, namespace).catch(() => {});
        fs.rmSync(path.join(DATA, 'secrets', `${namespace}.json`), { force: true });
      }
      await nats.stop();
      await pg.stop();
    },
  };

  try {
    // The sandbox first: each adapter's merchant registers there, as at the provider's console.
    await startOne(SERVICES[0]);
    for (const name of Object.keys(MERCHANTS)) own[name] = await registerMerchant(name, { sandboxUrl: urls['provider-sandbox'], secrets, urls });
    // Then everything else, in parallel: each waits for its own readiness only.
    await Promise.all(SERVICES.slice(1).map(startOne));
  } catch (e) {
    await stack.stop();
    throw e;
  }
  return stack;
}

/** A throwaway stack leaves no JetStream streams behind (they are named `<NAMESPACE>_…`). */
async function deleteStreams(url, namespace) {
  const { connect } = require('nats');
  const nc = await connect({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    // Exactly this namespace's streams (`<NS>_EVT_<CONTEXT>`, `<NS>_DLQ`), never a longer namespace's.
    const own = new RegExp(`^${namespace.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_(EVT_[A-Z0-9]+|DLQ)$`);
    const names = [];
    for await (const s of jsm.streams.list()) if (own.test(s.config.name)) names.push(s.config.name);
    for (const name of names) await jsm.streams.delete(name);
  } finally {
    await nc.close();
  }
}

/** Per-namespace secrets, kept in .data so restarts of the same stack can still read old data. */
function stackSecrets(namespace) {
  const file = path.join(DATA, 'secrets', `${namespace}.json`);
  const kept = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  // Anything missing is made once (an older stack's file lacks newer providers' keys).
  const make = {
    cardKeyKey: () => randomBytes(32).toString('base64'),
    accessTokenSecret: () => randomBytes(32).toString('base64'),
    alipayMerchant: rsa,
    wechatMerchant: rsa,
    // WeChat's APIv3 key is 32 ASCII characters, used as the AES-256 key.
    wechatApiV3Key: () => randomBytes(16).toString('hex'),
    unionpayMerchant: rsa,
    epayKeys: () => ({ 1001: randomBytes(16).toString('hex'), 1002: randomBytes(16).toString('hex') }),
  };
  const s = { ...kept };
  for (const [k, fn] of Object.entries(make)) s[k] ??= fn();
  if (Object.keys(s).length !== Object.keys(kept).length) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, JSON.stringify(s), { mode: 0o600 });
  }
  return s;
}

module.exports = { startStack, freeBasePort, SERVICES };
