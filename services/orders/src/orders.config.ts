import { z } from 'zod';
import { baseConfigSchema, loadConfig } from '@cardshop/platform';

/** Deploy files pass optional settings as empty strings: empty means not set. */
const blankIsUnset = (v: unknown) => (v === '' ? undefined : v);

export const ordersConfigSchema = baseConfigSchema.extend({
  /** Signs buyer access tokens (HMAC-SHA256); 32+ random bytes, base64. */
  ACCESS_TOKEN_SECRET: z.string().min(32, 'at least 32 characters'),
  /** How long an order waits for payment before it expires and its keys go back on the shelf. */
  ORDER_TTL_SECONDS: z.coerce.number().int().min(1).default(900),
  /** How often the expiry sweep runs. */
  EXPIRY_SWEEP_MS: z.coerce.number().int().min(100).default(5000),
  /** Failed lookups allowed per order or email within the window (guessing query passwords). */
  LOOKUP_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  /** Failed lookups allowed per client address within the window (scanning many orders). */
  LOOKUP_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(20),
  LOOKUP_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  /** Where delivery emails go out (e.g. smtp://user:pass@relay:587); unset: no email. */
  SMTP_URL: z.preprocess(blankIsUnset, z.string().url().optional()),
  /** Dev and test stacks: run a capture SMTP server on this port and send to it (mailbox on /ops). */
  SMTP_CAPTURE_PORT: z.preprocess(blankIsUnset, z.coerce.number().int().min(1).max(65535).optional()),
  MAIL_FROM: z.string().min(3).default('Cardshop <no-reply@cardshop.local>'),
  /**
   * How often delivery emails whose first send failed (or never happened: a crash right after the
   * delivery) are looked for; each is retried on its own backoff, 30 s doubling up to an hour.
   */
  EMAIL_RETRY_MS: z.coerce.number().int().min(100).default(15_000),
  /** An order paid after expiry that finds no keys for this long is refunded automatically. */
  AWAITING_STOCK_REFUND_AFTER_SECONDS: z.coerce.number().int().min(1).default(86400),
  /**
   * How often orders paid after expiry that found no keys are tried again, whatever events were
   * seen (restocks and releases try them at once).
   */
  STOCK_RETRY_MS: z.coerce.number().int().min(100).default(30000),
  /** A delivered order becomes `completed` this long after delivery: the buyer's window to dispute it. */
  ORDER_COMPLETE_AFTER_SECONDS: z.coerce.number().int().min(1).default(3 * 86400),
  /** How often delivered orders past their window are completed. */
  COMPLETE_SWEEP_MS: z.coerce.number().int().min(100).default(60_000),
});
export type OrdersConfig = z.infer<typeof ordersConfigSchema>;
export const ORDERS_CONFIG = Symbol('ORDERS_CONFIG');
export const loadOrdersConfig = () => loadConfig(ordersConfigSchema);
