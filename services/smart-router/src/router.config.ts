import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '@cardshop/platform';

const priorities = z
  .record(z.string().regex(/^([A-Z]{2}|\*)$/, 'country codes in upper case, or *'), z.array(z.string().min(1)))
  .refine((p) => '*' in p, 'needs a "*" entry for buyers from any other country');

export const routerConfigSchema = baseConfigSchema.extend({
  /** Channel order per buyer country as JSON; `*` applies to countries without their own list. */
  ROUTER_PRIORITIES: z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(priorities)
    .default(JSON.stringify({
      CN: ['alipay', 'wechat_pay', 'unionpay', 'epay:alipay', 'epay:wxpay', 'epay:bank', 'epay:qqpay'],
      '*': ['alipay', 'unionpay', 'wechat_pay', 'epay:alipay', 'epay:wxpay', 'epay:bank', 'epay:qqpay'],
    })),
  /** How often the channel catalogue is re-read from the database. */
  ROUTER_CATALOGUE_REFRESH_MS: z.coerce.number().int().min(100).default(10_000),
});
export type RouterConfig = z.infer<typeof routerConfigSchema>;
export const ROUTER_CONFIG = Symbol('ROUTER_CONFIG');
export const loadRouterConfig = () => loadConfig(routerConfigSchema);
