import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OpsRegistry, type OpsSection } from '@cardshop/platform';
import { MAX_EMAIL_ATTEMPTS } from './delivery-email/delivery-email';
import { MailCapture } from './delivery-email/mail-capture';

/**
 * The orders dashboard: the funnel (placed → paid → delivered) over the last hour and day,
 * orders stuck in a state longer than expected, delivery emails still unsent after their first
 * try, the latest orders (emails masked), the audit log, and in dev stacks the captured mailbox.
 */
@Injectable()
export class OrdersOps implements OnModuleInit {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly ops: OpsRegistry, private readonly mail: MailCapture) {}

  onModuleInit(): void {
    this.ops.add(this);
  }

  async sections(): Promise<OpsSection[]> {
    const states: { status: string; n: string }[] = await this.db.query('SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY status');
    const funnel: Record<string, unknown>[] = await this.db.query(`
      SELECT w.label AS window, count(o.id) AS placed, count(o.paid_at) AS paid, count(o.delivered_at) AS delivered,
             CASE WHEN count(o.id) > 0 THEN round(100.0 * count(o.delivered_at) / count(o.id), 1) END AS "delivered %"
      FROM (VALUES ('last hour', interval '1 hour', 1), ('last day', interval '1 day', 2)) AS w(label, span, n)
      LEFT JOIN orders o ON o.created_at > now() - w.span GROUP BY w.label, w.n ORDER BY w.n`);
    // Longer than expected: paid but undelivered for 2 minutes, unpaid past the deadline by
    // 2 minutes (the expiry sweep is behind), waiting for stock for an hour.
    const stuck = await this.db.query(`
      SELECT id, status, product_id, quantity, total_minor, currency, age FROM (
        SELECT o.*, now() - COALESCE(o.paid_at, o.expires_at) AS age,
               CASE o.status WHEN 'paid' THEN o.paid_at < now() - interval '2 minutes'
                             WHEN 'awaiting_payment' THEN o.expires_at < now() - interval '2 minutes'
                             WHEN 'paid_awaiting_stock' THEN o.paid_at < now() - interval '1 hour' END AS late
        FROM orders o WHERE o.status IN ('paid', 'awaiting_payment', 'paid_awaiting_stock')) s
      WHERE late ORDER BY age DESC LIMIT 50`);
    const recent = await this.db.query(`SELECT id, status, quantity, total_minor, currency, regexp_replace(email, '^(.).*@', '\\1***@') AS email,
      channel, coupon_code, created_at, delivered_at FROM orders ORDER BY created_at DESC LIMIT 25`);
    const [d] = await this.db.query(`SELECT count(*) AS deliveries, (SELECT count(*) FROM orders WHERE status = 'delivered') AS delivered_orders,
      (SELECT count(*) FROM delivery_emails WHERE sends > 0) AS emails_sent, (SELECT count(*) FROM delivery_emails WHERE last_error IS NOT NULL) AS email_failures FROM deliveries`);
    // Delivery emails not sent yet although their first send is past: retrying, or given up
    // after MAX_EMAIL_ATTEMPTS (ops can resend them from the order's actions).
    const unsent = await this.db.query(
      `SELECT order_id, attempts, CASE WHEN attempts >= $1 THEN 'given up: resend it' ELSE 'retrying' END AS state,
              CASE WHEN attempts < $1 THEN next_attempt_at END AS next_try, last_error
       FROM delivery_emails WHERE sends = 0 AND (attempts > 0 OR next_attempt_at < now()) ORDER BY attempts DESC, next_attempt_at LIMIT 50`,
      [MAX_EMAIL_ATTEMPTS],
    );
    const audit = await this.db.query(`SELECT at, actor, action, order_id, reason, outcome FROM audit_log ORDER BY at DESC, id DESC LIMIT 25`);
    return [
      { title: 'Funnel', kind: 'table', rows: funnel },
      { title: 'Orders by state', kind: 'figures', figures: Object.fromEntries(states.map((s) => [s.status, Number(s.n)])) },
      { title: 'Stuck orders', kind: 'table', rows: stuck, empty: 'none: every order is where it should be' },
      { title: 'Deliveries (one per order)', kind: 'figures', figures: d },
      { title: 'Delivery emails not sent yet', kind: 'table', rows: unsent, empty: 'none: every delivered order was emailed (or is being emailed right now)' },
      { title: 'Latest orders', kind: 'table', rows: recent },
      { title: 'Audit log (ops actions)', kind: 'table', rows: audit, empty: 'no ops action yet' },
      ...(this.mail.enabled
        ? [{ title: 'Mailbox (dev capture)', kind: 'table' as const, rows: (await this.mail.mailbox(20)).map((m) => ({ at: m.at, to: m.to, subject: m.subject, text: m.text })), empty: 'no mail sent yet' }]
        : []),
    ];
  }
}
