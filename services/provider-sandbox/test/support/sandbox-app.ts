import { Module, type INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createHttpApp } from '@cardshop/platform';
import { testDatabaseUrl } from '@cardshop/platform/testing';
import { AlipaySandboxModule } from '../../src/alipay';
import { AppModule } from '../../src/app.module';
import { ControlModule } from '../../src/control';
import { EpaySandboxModule } from '../../src/epay';
import { SandboxKitModule } from '../../src/kit';
import { UnionPaySandboxModule } from '../../src/unionpay';
import { WechatPaySandboxModule } from '../../src/wechat-pay';
import { sandboxConfigSchema } from '../../src/sandbox.config';

export interface RunningSandbox {
  app: INestApplication;
  baseUrl: string;
  control<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/**
 * Boots the sandbox modules in a real Nest HTTP app on an ephemeral loopback port: in memory, or
 * with `schema` the whole service as the stack runs it, its state kept in that schema.
 */
export async function startSandbox(opts: { timeScale?: number; schema?: string } = {}): Promise<RunningSandbox> {
  @Module({
    imports: [
      ControlModule,
      SandboxKitModule.forRoot({ timeScale: opts.timeScale ?? 0.001 }),
      AlipaySandboxModule.forRoot({ timeScale: opts.timeScale ?? 0.001 }),
      // other providers
      UnionPaySandboxModule,
      EpaySandboxModule,
      WechatPaySandboxModule.forRoot(),
    ],
  })
  class SandboxTestModule {}

  const module = opts.schema
    ? AppModule.forRoot(sandboxConfigSchema.parse({
      SERVICE_NAME: 'provider-sandbox', HTTP_PORT: '0', DATABASE_URL: testDatabaseUrl(), DB_SCHEMA: opts.schema, OPS_TOKEN: 'ops-token-for-tests', LOG_LEVEL: 'error', SANDBOX_TIME_SCALE: String(opts.timeScale ?? 0.001),
    }))
    : SandboxTestModule;
  const app = await createHttpApp(module);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    baseUrl,
    async control(method, path, body) {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    close: () => app.close(),
  };
}

/** A schema of its own for a durable sandbox that a test restarts, and dropping it afterwards. */
export function sandboxSchema(): { schema: string; drop(): Promise<void> } {
  const schema = `sandbox_${randomUUID().slice(0, 8)}`;
  return {
    schema,
    async drop() {
      const c = new Client({ connectionString: testDatabaseUrl() });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}
