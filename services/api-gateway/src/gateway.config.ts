import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '@cardshop/platform';

/** The gateway owns nothing durable, so it needs no database settings. */
export const gatewayConfigSchema = baseConfigSchema.partial({ DATABASE_URL: true, DB_SCHEMA: true }).extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Where a browser reaches this gateway (links in QR images, docs). */
  PUBLIC_BASE_URL: z.string().url().optional(),
  /** How long a verified seller API key is trusted before asking the catalog again. */
  SELLER_AUTH_CACHE_MS: z.coerce.number().int().min(0).default(30000),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
export const loadGatewayConfig = () => loadConfig(gatewayConfigSchema);
