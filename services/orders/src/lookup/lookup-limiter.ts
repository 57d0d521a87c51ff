import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '@cardshop/platform';
import { ORDERS_CONFIG, type OrdersConfig } from '../orders.config';

/**
 * Limits failed order lookups, so query passwords cannot be guessed: per order or email (from
 * any number of addresses) and per client address (across orders), in fixed windows kept in
 * PostgreSQL, so every replica and every restart sees the same counts.
 */
@Injectable()
export class LookupLimiter {
  constructor(@InjectDataSource() private readonly db: DataSource, @Inject(ORDERS_CONFIG) private readonly config: OrdersConfig) {}

  /** Throws LOOKUP.RATE_LIMITED (429) when the subject or the address used up its failures. */
  async check(subject: string, clientIp: string): Promise<void> {
    const rows: { key: string; failures: number; retry: string }[] = await this.db.query(
      `SELECT key, failures, ceil(extract(epoch FROM window_start + $2 * interval '1 second' - now())) AS retry
       FROM lookup_failures WHERE key = ANY($1) AND window_start > now() - $2 * interval '1 second'`,
      [this.keys(subject, clientIp), this.config.LOOKUP_WINDOW_SECONDS],
    );
    const over = rows.find((r) => r.failures >= (r.key.startsWith('ip:') ? this.config.LOOKUP_MAX_FAILURES_PER_IP : this.config.LOOKUP_MAX_FAILURES));
    if (over) {
      const retryAfterSeconds = Math.max(1, Number(over.retry));
      throw new AppError('LOOKUP.RATE_LIMITED', `too many failed lookups; try again in ${retryAfterSeconds} s`, 429, true, { retryAfterSeconds });
    }
  }

  /** Counts one failed lookup against the subject and the address. */
  async failed(subject: string, clientIp: string): Promise<void> {
    await this.db.query(
      `INSERT INTO lookup_failures AS f (key, window_start, failures) SELECT k, now(), 1 FROM unnest($1::text[]) AS k
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN f.window_start > now() - $2 * interval '1 second' THEN f.failures + 1 ELSE 1 END,
         window_start = CASE WHEN f.window_start > now() - $2 * interval '1 second' THEN f.window_start ELSE now() END`,
      [this.keys(subject, clientIp), this.config.LOOKUP_WINDOW_SECONDS],
    );
  }

  private keys(subject: string, clientIp: string): string[] {
    return clientIp ? [subject, `ip:${clientIp}`] : [subject];
  }
}
