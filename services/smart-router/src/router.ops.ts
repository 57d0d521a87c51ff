import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OpsRegistry, type OpsSection } from '@cardshop/platform';
import { ChannelCatalogue } from './rank-channels/channel-catalogue';

/** The router's dashboard: outcomes per channel, and the catalogue as currently cached. */
@Injectable()
export class RouterOps implements OnModuleInit {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly ops: OpsRegistry, private readonly catalogue: ChannelCatalogue) {}

  onModuleInit(): void {
    this.ops.add(this);
  }

  async sections(): Promise<OpsSection[]> {
    const outcomes = await this.db.query(`SELECT channel,
        count(*) FILTER (WHERE succeeded) AS succeeded, count(*) FILTER (WHERE NOT succeeded) AS failed,
        round(100.0 * count(*) FILTER (WHERE succeeded) / count(*), 1) AS "success %",
        count(*) FILTER (WHERE succeeded AND at > now() - interval '1 hour') AS "succeeded last hour", max(at) AS last
      FROM channel_outcomes GROUP BY channel ORDER BY channel`);
    const channels = this.catalogue.all().map((c) => ({
      channel: c.name, enabled: c.enabled, currencies: c.currencies.join(','), countries: c.countries.join(',') || 'all', min_minor: c.minMinor, max_minor: c.maxMinor,
    }));
    return [
      { title: 'Outcomes per channel', kind: 'table', rows: outcomes, empty: 'no payment outcomes yet' },
      { title: `Channel catalogue (cached ${this.catalogue.lastLoadedAt.toISOString()})`, kind: 'table', rows: channels },
    ];
  }
}
