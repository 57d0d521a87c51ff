import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '@cardshop/platform';

export const catalogConfigSchema = baseConfigSchema.extend({
  /** AES-256-GCM key for card keys at rest: 32 bytes, base64. Rotating it needs a re-encryption job. */
  CARD_KEY_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded as base64'),
  /** How long keys stay reserved for an unpaid order (the order's own expiry is kept in step). */
  RESERVATION_TTL_SECONDS: z.coerce.number().int().min(60).default(900),
});
export type CatalogConfig = z.infer<typeof catalogConfigSchema>;
export const CATALOG_CONFIG = Symbol('CATALOG_CONFIG');
export const loadCatalogConfig = () => loadConfig(catalogConfigSchema);
