import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '@cardshop/platform';

export const settlementConfigSchema = baseConfigSchema.extend({
  /** The platform's fee on each successful payment, in basis points (500 = 5 %), rounded half-up per payment. */
  PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(500),
});
export type SettlementConfig = z.infer<typeof settlementConfigSchema>;
export const SETTLEMENT_CONFIG = Symbol('SETTLEMENT_CONFIG');
export const loadSettlementConfig = () => loadConfig(settlementConfigSchema);
