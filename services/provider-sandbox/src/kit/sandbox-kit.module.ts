import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MemoryOnlySandboxStore, PgSandboxStore, SandboxStore } from './sandbox-store';

export const SANDBOX_TIME_SCALE = Symbol('SANDBOX_TIME_SCALE');

/** Read SANDBOX_TIME_SCALE, or fail with its name. */
export function timeScaleFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const scale = env.SANDBOX_TIME_SCALE === undefined ? 1 : Number(env.SANDBOX_TIME_SCALE);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`SANDBOX_TIME_SCALE must be a positive number, got "${env.SANDBOX_TIME_SCALE}"`);
  return scale;
}

/**
 * What every simulated provider module shares: the store (durable in the service's schema, or
 * memory only for in-process tests) and the time scale of provider schedules.
 */
@Module({})
export class SandboxKitModule {
  static forRoot(opts: { durable?: boolean; timeScale?: number } = {}): DynamicModule {
    const store = opts.durable
      ? { provide: SandboxStore, useFactory: (db: DataSource) => new PgSandboxStore(db), inject: [DataSource] }
      : { provide: SandboxStore, useClass: MemoryOnlySandboxStore };
    return {
      module: SandboxKitModule,
      global: true,
      providers: [store, { provide: SANDBOX_TIME_SCALE, useFactory: () => opts.timeScale ?? timeScaleFromEnv() }],
      exports: [SandboxStore, SANDBOX_TIME_SCALE],
    };
  }
}
