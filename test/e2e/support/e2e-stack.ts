import { randomBytes } from 'node:crypto';
import { connect } from 'nats';
import { deadLetterStreamName } from '@cardshop/contracts';

// tools/stack is plain CommonJS without declarations; these are the parts the e2e suites use.
export type ServiceName = 'provider-sandbox' | 'catalog' | 'orders' | 'payments' | 'smart-router' | 'risk' | 'settlement' | 'adapter-alipay' | 'adapter-wechat-pay' | 'adapter-unionpay' | 'adapter-epay' | 'api-gateway';
export interface RunningStack {
  namespace: string;
  urls: Record<ServiceName, string>;
  gateway: string;
  sandbox: string;
  opsToken: string;
  databaseUrl: string;
  natsUrl: string;
  logDir: string;
  kill(name: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  signal(name: ServiceName, signal: NodeJS.Signals): void;
  start(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
}
export interface SeededSeller {
  id: string;
  apiKey: string;
  products: string[];
}
/* eslint-disable @typescript-eslint/no-require-imports */
const { startStack, freeBasePort } = require('../../../tools/stack/stack') as { startStack(opts: Record<string, unknown>): Promise<RunningStack>; freeBasePort(): Promise<number> };
const { seedDemo } = require('../../../tools/stack/seed') as { seedDemo(gateway: string, opsToken: string): Promise<{ sellers: SeededSeller[] }> };

export interface E2eStack {
  stack: RunningStack;
  sellers: SeededSeller[];
}

/**
 * One whole platform per suite: unique namespace, database and port range, the demo catalogue
 * seeded, and Alipay's notify retries compressed (4 min → 240 ms).
 */
export async function startE2eStack(suite: string, opts: { serviceEnv?: Partial<Record<ServiceName, Record<string, string>>> } = {}): Promise<E2eStack> {
  // On a two-core machine shared with other stacks a boot can miss the runner's readiness
  // deadline; a failed boot is retried once on a fresh namespace and port range.
  let lastError: unknown;
  for (let attempt = 1; attempt <= BOOT_ATTEMPTS; attempt++) {
    const namespace = `e2e_${suite}_${randomBytes(4).toString('hex')}`;
    try {
      return await bootOnce(namespace, opts.serviceEnv ?? {});
    } catch (e) {
      lastError = e;
      await deleteStreams(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', namespace).catch(() => {});
    }
  }
  throw lastError;
}

const BOOT_ATTEMPTS = 2;

async function bootOnce(namespace: string, serviceEnv: Partial<Record<ServiceName, Record<string, string>>>): Promise<E2eStack> {
  const stack = await startStack({
    namespace,
    database: namespace,
    basePort: await freeBasePort(),
    dropDatabaseOnStop: true,
    env: { SANDBOX_TIME_SCALE: '0.001' },
    serviceEnv,
  });
  try {
    const { sellers } = await seedDemo(stack.gateway, stack.opsToken);
    return { stack, sellers };
  } catch (e) {
    await stack.stop();
    throw e;
  }
}

/** Stops every service, drops the database and deletes the suite's JetStream streams. */
export async function stopE2eStack(e2e: E2eStack | undefined): Promise<void> {
  if (!e2e) return;
  await e2e.stack.stop();
  await deleteStreams(e2e.stack.natsUrl, e2e.stack.namespace);
}

async function deleteStreams(natsUrl: string, namespace: string): Promise<void> {
  // Every stream of a namespace shares the prefix of its dead-letter stream (`<NS>_DLQ`).
  const prefix = deadLetterStreamName(namespace).replace(/DLQ$/, '');
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    for await (const name of jsm.streams.names()) if (name.startsWith(prefix)) await jsm.streams.delete(name);
  } finally {
    await nc.close();
  }
}

/** Boot takes 10–40 s on a shared two-core machine, up to 90 s per service under load, and may be retried. */
export const STACK_BOOT_TIMEOUT_MS = 300_000;
