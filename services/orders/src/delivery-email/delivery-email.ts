import { Controller, Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { createTransport, type Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { CatalogService, OrderDeliveredSchema, patternOfEvent, type OrderDelivered } from '@cardshop/contracts';
import { TypedRpc } from '@cardshop/messaging';
import { AppError } from '@cardshop/platform';
import { ORDERS_CONFIG, type OrdersConfig } from '../orders.config';

/**
 * Emails a delivered order's keys to the buyer through SMTP (`SMTP_URL`, or the dev capture
 * server). The keys are decrypted by the catalog for this send only and never stored here.
 */
@Injectable()
export class DeliveryEmails implements OnApplicationShutdown {
  private readonly log = new Logger(DeliveryEmails.name);
  private readonly transport?: Transporter;

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

  onApplicationShutdown(): void {
    this.transport?.close();
  }

  /**
   * Sends the order's keys. `force` sends again even if it was sent before (an ops resend);
   * otherwise a repeated call (a redelivered event) does nothing. Failures are recorded and thrown.
   */
  async send(orderId: string, force = false): Promise<{ sent: boolean; messageId?: string }> {
    if (!this.transport) throw new AppError('EMAIL.DISABLED', 'email delivery is not configured (SMTP_URL)', 409);
    const [o]: { email: string; status: string; quantity: number; total_minor: string; currency: string; sends: number | null }[] = await this.db.query(
      `SELECT o.email, o.status, o.quantity, o.total_minor, o.currency, e.sends FROM orders o LEFT JOIN delivery_emails e ON e.order_id = o.id WHERE o.id = $1`,
      [orderId],
    );
    if (!o) throw new AppError('ORDER.NOT_FOUND', `no order ${orderId}`, 404);
    if (o.status !== 'delivered' && o.status !== 'completed') throw new AppError('ORDER.NOT_DELIVERED', `order ${orderId} is ${o.status}: there are no keys to send`, 409);
    if (!force && o.sends) return { sent: false };
    const { keys } = await this.rpc.call(CatalogService.method.revealKeys, { orderId });
    try {
      const info = await this.transport.sendMail({
        to: o.email,
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
      await this.db.query(
        `INSERT INTO delivery_emails (order_id, sends, last_sent_at, message_id) VALUES ($1, 1, now(), $2)
         ON CONFLICT (order_id) DO UPDATE SET sends = delivery_emails.sends + 1, last_sent_at = now(), message_id = $2, last_error = NULL`,
        [orderId, info.messageId],
      );
      return { sent: true, messageId: info.messageId };
    } catch (e) {
      const why = (e as Error).message.slice(0, 500);
      await this.db.query(
        `INSERT INTO delivery_emails (order_id, last_error) VALUES ($1, $2) ON CONFLICT (order_id) DO UPDATE SET last_error = $2`,
        [orderId, why],
      );
      throw new AppError('EMAIL.SEND_FAILED', `the delivery email could not be sent: ${why}`, 503, true);
    }
  }
}

/** Each delivered order's keys go out by email once; a failed send is retried with the event's backoff. */
@Controller()
export class DeliveryEmailController {
  constructor(private readonly emails: DeliveryEmails) {}

  @EventPattern(patternOfEvent(OrderDeliveredSchema))
  async onDelivered(@Payload() evt: OrderDelivered) {
    if (this.emails.enabled) await this.emails.send(evt.orderId);
  }
}
