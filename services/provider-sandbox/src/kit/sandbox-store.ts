import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WriteBehind } from '@cardshop/platform';

/**
 * Where simulated providers keep what must survive a restart: their own key pairs, the merchants
 * registered in their "console", and their payments. Payments are plain JSON documents owned by
 * each provider module; the store neither knows nor checks their shape.
 */
export abstract class SandboxStore {
  abstract loadPrivateKey(provider: string): Promise<string | undefined>;
  /** Keeps the first key saved for a provider (another replica may have saved one already). */
  abstract savePrivateKey(provider: string, pem: string): Promise<void>;
  abstract loadMerchants<M>(provider: string): Promise<M[]>;
  abstract saveMerchant(provider: string, merchantId: string, merchant: unknown): Promise<void>;
  abstract loadPayments<P>(provider: string): Promise<P[]>;
  /** Writes the payment as it is now; called after every change, in order per payment. */
  abstract savePayment(provider: string, id: string, payment: unknown): void;
  /** Resolves when every change handed to `savePayment` is written. */
  abstract flush(): Promise<void>;
}

/** For tests that boot the sandbox without a database: nothing outlives the process. */
@Injectable()
export class MemoryOnlySandboxStore extends SandboxStore {
  private readonly keys = new Map<string, string>();
  async loadPrivateKey(provider: string) {
    return this.keys.get(provider);
  }
  async savePrivateKey(provider: string, pem: string) {
    if (!this.keys.has(provider)) this.keys.set(provider, pem);
  }
  async loadMerchants<M>(): Promise<M[]> {
    return [];
  }
  async saveMerchant() {}
  async loadPayments<P>(): Promise<P[]> {
    return [];
  }
  savePayment() {}
  async flush() {}
}

/** The sandbox's schema. Payment writes leave the request path (see `WriteBehind`). */
@Injectable()
export class PgSandboxStore extends SandboxStore implements OnModuleDestroy {
  private readonly log = new Logger('SandboxStore');
  private readonly writes = new WriteBehind<string>(
    (batch) => {
      const keys = batch.map(([key]) => key.split('\u0000'));
      return this.db.query(
        `INSERT INTO sandbox_payments (provider, id, data) SELECT provider, id, data::jsonb FROM unnest($1::text[], $2::text[], $3::text[]) AS p(provider, id, data)
         ON CONFLICT (provider, id) DO UPDATE SET data = EXCLUDED.data, updated_at = now()`,
        [keys.map(([provider]) => provider), keys.map(([, id]) => id), batch.map(([, data]) => data)],
      );
    },
    (key, e) => this.log.error(`${key.replace('\u0000', ' payment ')} not saved: ${e.message}`),
  );

  constructor(private readonly db: DataSource) {
    super();
  }

  async loadPrivateKey(provider: string) {
    const rows: { private_key_pem: string }[] = await this.db.query(`SELECT private_key_pem FROM provider_keys WHERE provider = $1`, [provider]);
    return rows[0]?.private_key_pem;
  }

  async savePrivateKey(provider: string, pem: string) {
    await this.db.query(`INSERT INTO provider_keys (provider, private_key_pem) VALUES ($1, $2) ON CONFLICT (provider) DO NOTHING`, [provider, pem]);
  }

  async loadMerchants<M>(provider: string): Promise<M[]> {
    const rows: { data: M }[] = await this.db.query(`SELECT data FROM sandbox_merchants WHERE provider = $1`, [provider]);
    return rows.map((r) => r.data);
  }

  async saveMerchant(provider: string, merchantId: string, merchant: unknown) {
    await this.db.query(
      `INSERT INTO sandbox_merchants (provider, merchant_id, data) VALUES ($1, $2, $3)
       ON CONFLICT (provider, merchant_id) DO UPDATE SET data = EXCLUDED.data`,
      [provider, merchantId, JSON.stringify(merchant)],
    );
  }

  async loadPayments<P>(provider: string): Promise<P[]> {
    const rows: { data: P }[] = await this.db.query(`SELECT data FROM sandbox_payments WHERE provider = $1 ORDER BY created_at`, [provider]);
    return rows.map((r) => r.data);
  }

  savePayment(provider: string, id: string, payment: unknown): void {
    this.writes.put(`${provider}\u0000${id}`, JSON.stringify(payment));
  }

  async flush() {
    await this.writes.flush();
  }

  async onModuleDestroy() {
    await this.flush();
  }
}
