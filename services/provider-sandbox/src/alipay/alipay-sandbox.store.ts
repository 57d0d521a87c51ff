import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WriteBehind } from '@cardshop/platform';
import type { SandboxNotificationRecord } from '../kit';
import type { AlipayMerchantApp } from './alipay-sandbox.keys';
import { notifyRequest } from './alipay-sandbox.wire';
import type { AlipaySandboxTrade } from './alipay-trade.repository';

/** A notification as sandbox versions before the shared notifier saved it: the params, not the request. */
interface EarlierStoredNotification {
  notifyId: string;
  tradeStatus: string;
  params: Record<string, string>;
  status: SandboxNotificationRecord['status'];
  attempts: number;
}

/** A trade as stored: dates as ISO strings, refunds as pairs. */
interface StoredTrade extends Omit<AlipaySandboxTrade, 'createdAt' | 'expiresAt' | 'paidAt' | 'closedAt' | 'refunds' | 'notifications'> {
  createdAt: string;
  expiresAt: string;
  paidAt?: string;
  closedAt?: string;
  refunds: [string, number][];
  notifications: (SandboxNotificationRecord | EarlierStoredNotification)[];
}

/** Where the simulated Alipay keeps what must survive a restart. */
export abstract class AlipaySandboxStore {
  abstract loadPrivateKey(): Promise<string | undefined>;
  abstract savePrivateKey(pem: string): Promise<void>;
  abstract loadApps(): Promise<AlipayMerchantApp[]>;
  abstract saveApp(app: AlipayMerchantApp): Promise<void>;
  abstract loadTrades(): Promise<AlipaySandboxTrade[]>;
  /** Writes the trade as it is now; called after every change, in order per trade. */
  abstract saveTrade(trade: AlipaySandboxTrade): void;
  /** Resolves when every change handed to `saveTrade` is written. */
  abstract flush(): Promise<void>;
}

/** For tests that boot the sandbox modules without a database: nothing outlives the process. */
export class MemoryOnlyAlipaySandboxStore extends AlipaySandboxStore {
  async loadPrivateKey() {
    return undefined;
  }
  async savePrivateKey() {}
  async loadApps() {
    return [];
  }
  async saveApp() {}
  async loadTrades() {
    return [];
  }
  saveTrade() {}
  async flush() {}
}

/** The sandbox's schema. Trade writes leave the request path (see `WriteBehind`). */
@Injectable()
export class PgAlipaySandboxStore extends AlipaySandboxStore {
  private readonly log = new Logger('AlipaySandboxStore');
  private readonly writes = new WriteBehind<StoredTrade>(
    (batch) =>
      this.db.query(
        `INSERT INTO alipay_trades (trade_no, data) SELECT trade_no, data::jsonb FROM unnest($1::text[], $2::text[]) AS t(trade_no, data)
         ON CONFLICT (trade_no) DO UPDATE SET data = EXCLUDED.data, updated_at = now()`,
        [batch.map(([tradeNo]) => tradeNo), batch.map(([, s]) => JSON.stringify(s))],
      ),
    (tradeNo, e) => this.log.error(`trade ${tradeNo} not saved: ${e.message}`),
  );

  constructor(private readonly db: DataSource) {
    super();
  }

  async loadPrivateKey() {
    const rows: { private_key_pem: string }[] = await this.db.query(`SELECT private_key_pem FROM provider_keys WHERE provider = 'alipay'`);
    return rows[0]?.private_key_pem;
  }

  async savePrivateKey(pem: string) {
    await this.db.query(`INSERT INTO provider_keys (provider, private_key_pem) VALUES ('alipay', $1) ON CONFLICT (provider) DO NOTHING`, [pem]);
  }

  async loadApps() {
    const rows: { app_id: string; app_public_key: string; notify_url: string | null }[] = await this.db.query(`SELECT app_id, app_public_key, notify_url FROM alipay_apps`);
    return rows.map((r) => ({ appId: r.app_id, appPublicKey: r.app_public_key, notifyUrl: r.notify_url ?? undefined }));
  }

  async saveApp(app: AlipayMerchantApp) {
    await this.db.query(
      `INSERT INTO alipay_apps (app_id, app_public_key, notify_url) VALUES ($1, $2, $3)
       ON CONFLICT (app_id) DO UPDATE SET app_public_key = EXCLUDED.app_public_key, notify_url = EXCLUDED.notify_url`,
      [app.appId, app.appPublicKey, app.notifyUrl ?? null],
    );
  }

  async loadTrades() {
    const rows: { data: StoredTrade }[] = await this.db.query(`SELECT data FROM alipay_trades ORDER BY (data->>'createdAt')`);
    return rows.map((r) => fromStored(r.data));
  }

  saveTrade(trade: AlipaySandboxTrade): void {
    this.writes.put(trade.tradeNo, toStored(trade));
  }

  async flush() {
    await this.writes.flush();
  }
}

function toStored(t: AlipaySandboxTrade): StoredTrade {
  return {
    ...t,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt.toISOString(),
    paidAt: t.paidAt?.toISOString(),
    closedAt: t.closedAt?.toISOString(),
    refunds: [...t.refunds.entries()],
    // Copies, as the notifier keeps changing status and attempts while the write waits its turn.
    notifications: t.notifications.map((n) => ({ ...n })),
  };
}

function fromStored(s: StoredTrade): AlipaySandboxTrade {
  const earlier = [...(s.earlierNotifications ?? []), ...s.notifications.filter(isEarlier).map((n) => fromEarlier(n, s.notifyUrl))];
  return {
    ...s,
    createdAt: new Date(s.createdAt),
    expiresAt: new Date(s.expiresAt),
    paidAt: s.paidAt ? new Date(s.paidAt) : undefined,
    closedAt: s.closedAt ? new Date(s.closedAt) : undefined,
    refunds: new Map(s.refunds),
    notifications: s.notifications.filter((n): n is SandboxNotificationRecord => !isEarlier(n)),
    ...(earlier.length ? { earlierNotifications: earlier } : {}),
  };
}

const isEarlier = (n: SandboxNotificationRecord | EarlierStoredNotification): n is EarlierStoredNotification => !('request' in n);

/**
 * An older version's record, in today's shape with the request it sent rebuilt from its params.
 * It is kept apart from the notifier's records, so it stays as it ended and is never resent.
 */
function fromEarlier(n: EarlierStoredNotification, notifyUrl = ''): SandboxNotificationRecord {
  return { id: n.notifyId, label: n.tradeStatus, request: notifyRequest(notifyUrl, n.params), status: n.status, attempts: n.attempts };
}
