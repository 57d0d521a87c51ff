import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createTransport, type Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { CatalogService } from '@cardshop/contracts';
import { TypedRpc } from '@cardshop/messaging';
import { AppError, PeriodicService, queryRows, WriteBehind } from '@cardshop/platform';
import { ORDERS_CONFIG, type OrdersConfig } from '../orders.config';

/** A pending email is given up after this many retries (with the backoff, about half a day). */
export const MAX_EMAIL_ATTEMPTS = 20;

/**
 * Emails a delivered order's keys to the buyer through SMTP (`SMTP_URL`, or the dev capture
 * server), once. The keys come from the catalog (with the sale, or asked for again) for this send
 * only and are never stored here. A delivery writes a pending row (`sends = 0`) in its own
 * statement, so every delivered order is emailed even if this process dies right after it.
 */
@Injectable()
export class DeliveryEmails implements OnApplicationShutdown {
  private readonly log = new Logger(DeliveryEmails.name);
  private readonly transport?: Transporter;
  private readonly inFlight = new Set<Promise<unknown>>();
  /**
   * Sends made right after a delivery, recorded together: one statement for every email sent
   * meanwhile instead of one per email. Until it lands the order's row is pending with its first
   * retry a minute away; a record that fails (or a crash before it) means that retry emails the
   * same keys again, which is logged.
   */
  private readonly sentRecords = new WriteBehind<string>(
    (batch) => this.recordSends(batch),
    (orderId, e) => this.log.warn({ orderId, err: e.message }, 'delivery email sent but not recorded: the retry sends it again'),
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly rpc: TypedRpc,
    @Inject(ORDERS_CONFIG) private readonly config: OrdersConfig,
  ) {
    const url = config.SMTP_URL ?? (config.SMTP_CAPTURE_PORT ? `smtp://127.0.0.1:${config.SMTP_CAPTURE_PORT}` : undefined);
    // Pooled: connections are kept and reused, not opened (TCP, greeting, EHLO) for every email.
    if (url) this.transport = createTransport({ url, pool: true, maxConnections: 2 }, { from: config.MAIL_FROM });
    else this.log.warn('SMTP_URL is not set: delivered keys are not emailed (they stay on the order page)');
  }

  get enabled(): boolean {
    return this.transport !== undefined;
  }

  /** Sends started after a delivery finish before the connections close. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.inFlight]);
    await this.sentRecords.flush();
    this.transport?.close();
  }

  /**
   * Sends the order's keys. `force` sends again even if it was sent before (an ops resend);
   * otherwise a repeated call (a retry) does nothing. Failures are recorded and thrown.
   */
  async send(orderId: string, force = false): Promise<{ sent: boolean; messageId?: string }> {
    if (!this.transport) throw new AppError('EMAIL.DISABLED', 'email delivery is not configured (SMTP_URL)', 409);
    const [o]: { email: string; status: string; sends: number | null }[] = await this.db.query(
      `SELECT o.email, o.status, e.sends FROM orders o LEFT JOIN delivery_emails e ON e.order_id = o.id WHERE o.id = $1`,
      [orderId],
    );
    if (!o) throw new AppError('ORDER.NOT_FOUND', `no order ${orderId}`, 404);
    if (o.status !== 'delivered' && o.status !== 'completed') throw new AppError('ORDER.NOT_DELIVERED', `order ${orderId} is ${o.status}: there are no keys to send`, 409);
    if (!force && o.sends) return { sent: false };
    const { keys } = await this.rpc.call(CatalogService.method.revealKeys, { orderId });
    return this.mail(this.transport, orderId, o.email, keys);
  }

  /**
   * Right after a delivery committed: emails the keys the catalog has just handed over (or, when
   * it did not, asks for them), off the caller's path. The delivery left a pending row in the
   * same statement, so a send that fails here, or never happens (a crash), is made by
   * `DeliveryEmailRetry` later; nothing is thrown.
   */
  afterDelivery(orderId: string, email: string, keys: readonly string[] | undefined): void {
    const transport = this.transport;
    if (!transport) return;
    const sending = (keys?.length ? this.mail(transport, orderId, email, keys, 'batched') : this.send(orderId))
      .catch((e: Error) => this.log.warn({ orderId, err: e.message }, 'delivery email not sent: it is retried later'))
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  /**
   * Pending emails whose first send failed or never happened, oldest due first, each claimed (so
   * replicas share the work) and pushed back by a growing backoff before it is tried. Returns how
   * many were sent.
   */
  async retryDue(limit = 20): Promise<number> {
    if (!this.transport) return 0;
    const due = await queryRows<{ order_id: string }>(this.db,
      `UPDATE delivery_emails SET attempts = attempts + 1, next_attempt_at = now() + least(interval '1 hour', interval '30 seconds' * power(2, attempts))
       WHERE order_id IN (
         SELECT order_id FROM delivery_emails WHERE sends = 0 AND attempts < $2 AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING order_id`,
      [limit, MAX_EMAIL_ATTEMPTS],
    );
    let sent = 0;
    for (const { order_id } of due) {
      try {
        if ((await this.send(order_id)).sent) sent += 1;
      } catch (e) {
        this.log.warn({ orderId: order_id, err: (e as Error).message }, 'delivery email retry failed');
      }
    }
    return sent;
  }

  /**
   * Sends one email and records it: at once (`now`: resends and retries, whose callers report the
   * count), or with the other sends of the moment (`batched`: right after a delivery, whose pending
   * row the delivery statement wrote).
   */
  private async mail(transport: Transporter, orderId: string, to: string, keys: readonly string[], record: 'now' | 'batched' = 'now'): Promise<{ sent: boolean; messageId?: string }> {
    let messageId: string;
    try {
      const info = await transport.sendMail({
        to,
        subject: `Your card keys — order ${orderId.slice(0, 8)}`,
        text: [
          `Thank you for your order ${orderId}.`,
          '',
          `Your ${keys.length === 1 ? 'key' : `${keys.length} keys`}:`,
          ...keys.map((k) => `  ${k}`),
          '',
          'Keep this email safe: anyone holding these keys can use them.',
        ].join('\n'),
      });
      messageId = info.messageId;
    } catch (e) {
      const why = (e as Error).message.slice(0, 500);
      await this.db.query(
        `INSERT INTO delivery_emails (order_id, last_error) VALUES ($1, $2) ON CONFLICT (order_id) DO UPDATE SET last_error = $2`,
        [orderId, why],
      );
      throw new AppError('EMAIL.SEND_FAILED', `the delivery email could not be sent: ${why}`, 503, true);
    }
    if (record === 'batched') this.sentRecords.put(orderId, messageId);
    else await this.recordSends([[orderId, messageId]]);
    return { sent: true, messageId };
  }

  /** Counts one more send for each order, with its message id: one statement for them all. */
  private recordSends(sends: [orderId: string, messageId: string][]): Promise<unknown> {
    return this.db.query(
      `INSERT INTO delivery_emails (order_id, sends, last_sent_at, message_id)
       SELECT order_id, 1, now(), message_id FROM unnest($1::uuid[], $2::text[]) AS s(order_id, message_id)
       ON CONFLICT (order_id) DO UPDATE SET sends = delivery_emails.sends + 1, last_sent_at = now(), message_id = EXCLUDED.message_id, last_error = NULL`,
      [sends.map(([orderId]) => orderId), sends.map(([, messageId]) => messageId)],
    );
  }
}

/** Emails still pending after their first try are retried here, on a backoff (`EMAIL_RETRY_MS`). */
@Injectable()
export class DeliveryEmailRetry extends PeriodicService {
  constructor(private readonly emails: DeliveryEmails, @Inject(ORDERS_CONFIG) config: OrdersConfig) {
    super('retrying delivery emails', config.EMAIL_RETRY_MS, new Logger(DeliveryEmailRetry.name));
  }

  protected runOnce(): Promise<number> {
    return this.emails.retryDue();
  }
}
