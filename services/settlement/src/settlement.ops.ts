import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OpsRegistry, type OpsSection } from '@cardshop/platform';

/** The ledger's dashboard: whether it balances, totals per account kind, the latest transfers. */
@Injectable()
export class SettlementOps implements OnModuleInit {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly ops: OpsRegistry) {}

  onModuleInit(): void {
    this.ops.add(this);
  }

  async sections(): Promise<OpsSection[]> {
    const unbalanced: { currency: string; sum: string }[] = await this.db.query(`SELECT currency, sum(amount) AS sum FROM entries GROUP BY currency HAVING sum(amount) <> 0`);
    const [counts] = await this.db.query(`SELECT (SELECT count(*) FROM transfers) AS transfers, (SELECT count(*) FROM entries) AS entries, (SELECT count(*) FROM accounts) AS accounts`);
    const totals = await this.db.query(`SELECT a.kind, a.currency, count(DISTINCT a.id) AS accounts, sum(e.amount) AS "sum (debit +)"
      FROM accounts a JOIN entries e ON e.account_id = a.id GROUP BY a.kind, a.currency ORDER BY a.kind, a.currency`);
    const latest = await this.db.query(`SELECT t.id, t.order_id, t.created_at, string_agg(e.account_id || ' ' || e.amount || ' ' || e.currency, '; ' ORDER BY e.id) AS entries
      FROM (SELECT * FROM transfers ORDER BY created_at DESC LIMIT 20) t JOIN entries e ON e.transfer_id = t.id GROUP BY t.id, t.order_id, t.created_at ORDER BY t.created_at DESC`);
    return [
      { title: 'Ledger', kind: 'figures', figures: { 'ledger balanced': unbalanced.length === 0 ? 'yes' : `no (${unbalanced.map((u) => `${u.currency} ${u.sum}`).join(', ')})`, ...counts } },
      { title: 'Totals per account kind', kind: 'table', rows: totals },
      { title: 'Latest transfers', kind: 'table', rows: latest },
    ];
  }
}
