import { Injectable, OnModuleInit } from '@nestjs/common';
import { OpsRegistry, type OpsSection } from '@cardshop/platform';

interface Entry { at: string; verdict: 'accepted' | 'rejected'; code: string; reason: string }

/** The latest webhooks and their verdicts, for the adapter's ops page (no payload, no signature). */
@Injectable()
export class WebhookLog implements OnModuleInit {
  private readonly entries: Entry[] = [];
  private accepted = 0;
  private rejected = 0;

  constructor(private readonly ops: OpsRegistry) {}

  onModuleInit(): void {
    this.ops.add(this);
  }

  add(e: Omit<Entry, 'at'>): void {
    if (e.verdict === 'accepted') this.accepted++;
    else this.rejected++;
    this.entries.unshift({ at: new Date().toISOString(), ...e });
    this.entries.length = Math.min(this.entries.length, 50);
  }

  async sections(): Promise<OpsSection[]> {
    return [
      { title: 'Webhooks since start', kind: 'figures', figures: { accepted: this.accepted, rejected: this.rejected } },
      { title: 'Latest webhooks', kind: 'table', rows: this.entries.map((e) => ({ ...e })) },
    ];
  }
}
