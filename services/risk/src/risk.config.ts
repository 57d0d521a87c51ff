import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '@cardshop/platform';

const json = <T extends z.ZodTypeAny>(schema: T) =>
  z.string().transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be JSON' });
      return z.NEVER;
    }
  }).pipe(schema);

export const riskConfigSchema = baseConfigSchema.extend({
  /** Largest single order per currency, in minor units, as JSON (`{"CNY":500000}` = 5000.00 yuan). */
  RISK_MAX_ORDER_MINOR: json(z.record(z.string().regex(/^[A-Z]{3,4}$/, 'currency codes in upper case'), z.number().int().positive()))
    .default('{"CNY":500000,"USD":100000,"USDT":100000000}'),
  /** Largest single order in a currency missing from RISK_MAX_ORDER_MINOR, in its minor units. */
  RISK_DEFAULT_MAX_ORDER_MINOR: z.coerce.number().int().positive().default(100_000),
  /** Payment assessments allowed per buyer email in a rolling hour; the next one is blocked. */
  RISK_EMAIL_HOURLY_LIMIT: z.coerce.number().int().positive().default(20),
});
export type RiskConfig = z.infer<typeof riskConfigSchema>;
export const RISK_CONFIG = Symbol('RISK_CONFIG');
export const loadRiskConfig = () => loadConfig(riskConfigSchema);
