import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '@cardshop/platform';

export const paymentsConfigSchema = baseConfigSchema.extend({
  /** Channel name → adapter (provider) that serves it; one adapter may serve several channels. */
  PAYMENT_CHANNEL_PROVIDERS: z
    .string()
    .default('{"alipay":"alipay"}')
    .transform((s, ctx) => {
      try {
        return z.record(z.string().regex(/^[a-z0-9_]+$/)).parse(JSON.parse(s));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of channel → provider' });
        return z.NEVER;
      }
    }),
  /** How long the buyer has at the provider (QR validity). */
  PAYMENT_TTL_SECONDS: z.coerce.number().int().min(60).default(900),
  /** Adapter calls reach the provider over the internet: give them longer than internal calls. */
  ADAPTER_TIMEOUT_MS: z.coerce.number().int().min(100).default(15000),
});
export type PaymentsConfig = z.infer<typeof paymentsConfigSchema>;
export const PAYMENTS_CONFIG = Symbol('PAYMENTS_CONFIG');
export const loadPaymentsConfig = () => loadConfig(paymentsConfigSchema);
