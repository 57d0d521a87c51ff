import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '@cardshop/platform';

/** The sandbox keeps its simulated providers' state in its own schema; it needs no NATS. */
export const sandboxConfigSchema = baseConfigSchema
  .partial({ NATS_URL: true })
  .extend({
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    /** Multiplies provider schedules (notify retries); 0.001 makes Alipay's 4-minute retry 240 ms. */
    SANDBOX_TIME_SCALE: z.coerce.number().positive().default(1),
    /** The URL buyers' browsers and merchants use to reach the sandbox (QR codes, gateway endpoints). */
    SANDBOX_PUBLIC_URL: z.string().url().optional(),
  });
export type SandboxConfig = z.infer<typeof sandboxConfigSchema>;
export const loadSandboxConfig = () => loadConfig(sandboxConfigSchema);
