import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OpsRegistry, type OpsSection } from '@cardshop/platform';
import { MailCapture } from './delivery-email/mail-capture';

/** Orders by state, and the latest orders (email masked). */
@Injectable()
export class OrdersOps implements OnModuleInit {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly ops: OpsRegistry, private readonly mail: MailCapture) {}

  onModuleInit(): void {
    this.ops.add(this);
  }

  async sections(): Promise<OpsSection[]> {
    const states: { status: string; n: string }[] = await this.db.query('SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY status');
    const recent = await this.db.query(`SELECT id, status, quantity, total_minor, currency, regexp_replace(email, '^(.).*@', '\\1***@') AS email,
      channel, created_at, delivered_at FROM orders ORDER BY created_at DESC LIMIT 25`);
    const [d] = await this.db.query(`SELECT count(*) AS deliveries, (SELECT count(*) FROM orders WHERE status = 'delivered') AS delivered_orders FROM deliveries`);
    return [
      { title: 'Orders by state', kind: 'figures', figures: Object.fromEntries(states.map((s) => [s.status, Number(s.n)])) },
      { title: 'Deliveries (one per order)', kind: 'figures', figures: d },
      { title: 'Latest orders', kind: 'table', rows: recent },
      ...(this.mail.enabled
        ? [{ title: 'Mailbox (dev capture)', kind: 'table' as const, rows: this.mail.mailbox().slice(0, 20).map((m) => ({ at: m.at, to: m.to, subject: m.subject, text: m.text })), empty: 'no mail sent yet' }]
        : []),
    ];
  }
}
