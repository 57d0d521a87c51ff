import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OpsRegistry, type OpsSection } from '@cardshop/platform';

/** Attempts by channel and state, and the latest attempts with their failure causes. */
@Injectable()
export class PaymentsOps implements OnModuleInit {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly ops: OpsRegistry) {}

  onModuleInit(): void {
    this.ops.add(this);
  }

  async sections(): Promise<OpsSection[]> {
    const byChannel = await this.db.query(`SELECT channel, count(*) AS attempts, count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
      count(*) FILTER (WHERE status = 'failed') AS failed, count(*) FILTER (WHERE status IN ('pending','requires_action')) AS open
      FROM attempts GROUP BY channel ORDER BY channel`);
    const recent = await this.db.query(`SELECT id, order_id, channel, status, amount_minor, currency, merchant_reference, failure->>'code' AS failure, created_at, paid_at
      FROM attempts ORDER BY created_at DESC LIMIT 25`);
    const events = await this.db.query('SELECT provider, kind, merchant_reference, received_at FROM provider_events ORDER BY received_at DESC LIMIT 15');
    const waiting = await this.db.query(`SELECT id, order_id, channel, status, created_at, polls, next_poll_at FROM attempts
      WHERE status IN ('pending', 'requires_action') ORDER BY next_poll_at NULLS LAST LIMIT 25`);
    const refunds = await this.db.query(`SELECT id, order_id, status, amount_minor, currency, reason, actor, created_at, completed_at FROM refunds ORDER BY created_at DESC LIMIT 15`);
    return [
      { title: 'Attempts by channel', kind: 'table', rows: byChannel },
      { title: 'Latest attempts', kind: 'table', rows: recent },
      { title: 'Waiting attempts and their next poll at the provider', kind: 'table', rows: waiting, empty: 'none waiting' },
      { title: 'Refunds', kind: 'table', rows: refunds, empty: 'no refund yet' },
      { title: 'Provider events', kind: 'table', rows: events },
    ];
  }
}
