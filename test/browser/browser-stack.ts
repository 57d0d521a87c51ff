import { randomBytes } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';

// tools/stack is plain CommonJS (no declarations); these are the parts the browser specs use.
export interface RunningStack {
  urls: Record<string, string>;
  gateway: string;
  sandbox: string;
  opsToken: string;
  databaseUrl: string;
  logDir: string;
  stop(): Promise<void>;
}
interface Seeded {
  sellers: { id: string; apiKey: string; products: string[] }[];
}
/* eslint-disable @typescript-eslint/no-require-imports */
const { startStack, freeBasePort } = require('../../tools/stack/stack') as { startStack(opts: Record<string, unknown>): Promise<RunningStack>; freeBasePort(): Promise<number> };
export const { seedDemo, call } = require('../../tools/stack/seed') as {
  seedDemo(gateway: string, opsToken: string): Promise<Seeded>;
  call<T = any>(base: string, method: string, path: string, token?: string | null, body?: unknown): Promise<T>;
};

/**
 * A whole platform of its own for one browser suite: unique namespace, database and port range,
 * and Alipay's notify retry schedule compressed so a lost notify costs milliseconds, not minutes.
 */
export async function startBrowserStack(prefix: string, serviceEnv: Record<string, Record<string, string>> = {}): Promise<RunningStack> {
  const namespace = `${prefix}_${randomBytes(4).toString('hex')}`;
  return startStack({ namespace, database: namespace, basePort: await freeBasePort(), dropDatabaseOnStop: true, env: { SANDBOX_TIME_SCALE: '0.001' }, serviceEnv });
}

/** Debian's Chromium (CI installs it the same way); never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}
