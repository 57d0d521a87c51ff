import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OpsRegistry, type OpsSection } from '@cardshop/platform';

/** Risk's dashboard: decisions by outcome in the last hour and the latest decisions (no buyer data). */
@Injectable()
export class RiskOps implements OnModuleInit {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly ops: OpsRegistry) {}

  onModuleInit(): void {
    this.ops.add(this);
  }

  async sections(): Promise<OpsSection[]> {
    const byOutcome: { decision: string; n: string }[] = await this.db.query(
      `SELECT decision, count(*) AS n FROM decisions WHERE created_at > now() - interval '1 hour' GROUP BY decision ORDER BY decision`);
    const latest = await this.db.query(
      `SELECT id, order_id, decision, amount, currency, (SELECT string_agg(r->>'code', ', ') FROM jsonb_array_elements(reasons) r) AS reasons, created_at
       FROM decisions ORDER BY created_at DESC LIMIT 20`);
    const figures: Record<string, string> = { ALLOW: '0', REVIEW: '0', CHALLENGE: '0', BLOCK: '0' };
    for (const r of byOutcome) figures[r.decision] = r.n;
    return [
      { title: 'Decisions in the last hour', kind: 'figures', figures },
      { title: 'Latest decisions', kind: 'table', rows: latest },
    ];
  }
}
