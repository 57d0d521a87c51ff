import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '@cardshop/platform';

export const paymentsConfigSchema = baseConfigSchema.extend({
  /** Channel name → adapter (provider) that serves it; one adapter may serve several channels. */
  PAYMENT_CHANNEL_PROVIDERS: z
    .string()
    .default(JSON.stringify({
      alipay: 'alipay', wechat_pay: 'wechat_pay', unionpay: 'unionpay',
      // 易支付 aggregators: one adapter serves every payment type its aggregators offer.
      'epay:alipay': 'epay', 'epay:wxpay': 'epay', 'epay:qqpay': 'epay', 'epay:bank': 'epay',
    }))
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
  /**
   * Lost notifications: ask the provider about a waiting attempt this many seconds after it
   * started, then after each next step; the last step repeats. Comma-separated.
   */
  POLL_SCHEDULE_SECONDS: z
    .string()
    .default('60,120,300,600')
    .transform((s, ctx) => {
      const steps = s.split(',').map((x) => Number(x.trim()));
      if (steps.length === 0 || steps.some((n) => !Number.isFinite(n) || n <= 0)) {
        ctx.addIssue({ code: 'custom', message: 'must be positive numbers of seconds, comma-separated' });
        return z.NEVER;
      }
      return steps;
    }),
  /** Keep asking this long after the payment's own time is up (providers close a lapsed QR late). */
  POLL_GRACE_SECONDS: z.coerce.number().int().min(0).default(600),
  /** How often due polls are looked for. */
  POLL_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
});
export type PaymentsConfig = z.infer<typeof paymentsConfigSchema>;
export const PAYMENTS_CONFIG = Symbol('PAYMENTS_CONFIG');
export const loadPaymentsConfig = () => loadConfig(paymentsConfigSchema);
