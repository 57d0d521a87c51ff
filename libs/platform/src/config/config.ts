import { z } from 'zod';

/** Raised at boot when configuration is missing or malformed; names every offending variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Variables every service reads. Each service extends this with its own (see `<service>.config.ts`).
 * Defaults suit a developer machine; production sets every one explicitly.
 */
export const baseConfigSchema = z.object({
  SERVICE_NAME: z.string().min(1),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535),
  DATABASE_URL: z.string().url(),
  DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'lowercase identifier'),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  NATS_URL: z.string().min(1),
  NATS_NAMESPACE: z.string().regex(/^[A-Za-z0-9_-]+$/, 'a NATS token').default('cardshop'),
  OPS_TOKEN: z.string().min(16, 'at least 16 characters'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RPC_TIMEOUT_MS: z.coerce.number().int().min(50).default(5000),
  // Events committed within this many ms of the outbox relay's last publishing turn wait for the
  // next one and share it (see OutboxRelayOptions.publishIntervalMs); 0 publishes every commit at once.
  OUTBOX_PUBLISH_INTERVAL_MS: z.coerce.number().int().min(0).max(1000).default(50),
  // ...but only while the host's CPUs are busier than this share; when CPU is to spare, events go at once.
  OUTBOX_PACE_ABOVE_HOST_CPU: z.coerce.number().min(0).max(1).default(0.7),
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;

/** Names of configuration values that must never be printed. */
const SECRET = /TOKEN|SECRET|PASSWORD|PRIVATE|KEY/i;

/**
 * Reads and validates configuration once, at boot. A missing variable fails with its name, e.g.
 * `invalid configuration: DATABASE_URL is required`.
 */
export function loadConfig<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const name = i.path.join('.') || '(root)';
      const missing = i.code === 'invalid_type' && (i as z.ZodInvalidTypeIssue).received === 'undefined';
      return missing ? `${name} is required` : `${name}: ${i.message}`;
    });
    throw new ConfigError(problems);
  }
  return Object.freeze(parsed.data);
}

/** A printable copy of a config object with secrets replaced; safe for logs and ops pages. */
export function redactConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (SECRET.test(k)) out[k] = v ? '[redacted]' : v;
    else if (typeof v === 'string' && /^[a-z]+:\/\/[^@/]*:[^@/]*@/i.test(v)) out[k] = v.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:[redacted]@');
    else out[k] = typeof v === 'object' && v !== null ? JSON.stringify(v) : v;
  }
  return out;
}
