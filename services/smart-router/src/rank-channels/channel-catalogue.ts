import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ROUTER_CONFIG, type RouterConfig } from '../router.config';
import type { Channel } from './channel-ranking';

interface ChannelRow { name: string; currencies: string[]; countries: string[]; min_minor: string; max_minor: string; enabled: boolean; flows: string[] }

/**
 * The channel catalogue, held in memory and re-read on a timer: ranking is on every checkout and
 * the catalogue changes rarely. A failed re-read keeps the last good copy.
 */
@Injectable()
export class ChannelCatalogue implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(ChannelCatalogue.name);
  private channels: Channel[] = [];
  private loadedAt = 0;
  private timer?: NodeJS.Timeout;

  constructor(@InjectDataSource() private readonly db: DataSource, @Inject(ROUTER_CONFIG) private readonly config: RouterConfig) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reload().catch((e: Error) => this.log.warn(`catalogue reload failed, keeping the last copy: ${e.message}`)), this.config.ROUTER_CATALOGUE_REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  all(): readonly Channel[] {
    return this.channels;
  }

  get lastLoadedAt(): Date {
    return new Date(this.loadedAt);
  }

  async reload(): Promise<void> {
    const rows: ChannelRow[] = await this.db.query(`SELECT name, currencies, countries, min_minor, max_minor, enabled, flows FROM channels ORDER BY name`);
    this.channels = rows.map((r) => ({ name: r.name, currencies: r.currencies, countries: r.countries, minMinor: BigInt(r.min_minor), maxMinor: BigInt(r.max_minor), enabled: r.enabled, flows: r.flows }));
    this.loadedAt = Date.now();
  }
}
