import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { SandboxNotificationRecord } from '../kit';
import { AlipaySandboxStore } from './alipay-sandbox.store';

export type AlipaySandboxTradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FINISHED';

export interface AlipaySandboxTrade {
  tradeNo: string;
  outTradeNo: string;
  appId: string;
  totalMinor: number;
  subject: string;
  notifyUrl?: string;
  /** Path segment of the wallet page the QR code opens. */
  token: string;
  status: AlipaySandboxTradeStatus;
  /** Alipay only knows a precreate trade once the buyer has scanned (opened) it. */
  scanned: boolean;
  createdAt: Date;
  expiresAt: Date;
  paidAt?: Date;
  closedAt?: Date;
  declineReason?: string;
  refunds: Map<string, number>;
  /** What the notifier sent or is sending: id = notify_id, label = the trade_status announced. */
  notifications: SandboxNotificationRecord[];
  /**
   * Notifications an older sandbox version saved without their request. They are shown as they
   * ended and never sent again: the notifier only looks at `notifications`.
   */
  earlierNotifications?: SandboxNotificationRecord[];
}

/** Where sandbox trades live: read from memory, every change written through to the store. */
export abstract class AlipayTradeRepository {
  abstract save(trade: AlipaySandboxTrade): void;
  abstract byOutTradeNo(appId: string, outTradeNo: string): AlipaySandboxTrade | undefined;
  abstract byTradeNo(tradeNo: string): AlipaySandboxTrade | undefined;
  abstract byToken(token: string): AlipaySandboxTrade | undefined;
  /** By provider id or merchant reference, across apps (the control API knows no app_id). */
  abstract byAnyReference(reference: string): AlipaySandboxTrade | undefined;
  abstract list(outTradeNo?: string): AlipaySandboxTrade[];
}

@Injectable()
export class InMemoryAlipayTradeRepository extends AlipayTradeRepository implements OnModuleInit, OnModuleDestroy {
  // Indexed by every way a caller looks a trade up, so lookups stay O(1) however many trades exist.
  private readonly trades = new Map<string, AlipaySandboxTrade>();
  private readonly byOutTradeNoIndex = new Map<string, AlipaySandboxTrade[]>();
  private readonly byTokenIndex = new Map<string, AlipaySandboxTrade>();

  constructor(private readonly store: AlipaySandboxStore) {
    super();
  }

  /** Trades from before a restart come back, notifications and all. */
  async onModuleInit(): Promise<void> {
    for (const trade of await this.store.loadTrades()) this.index(trade);
  }

  /** Changes still on their way to the store are written before the process exits. */
  async onModuleDestroy(): Promise<void> {
    await this.store.flush();
  }

  save(trade: AlipaySandboxTrade): void {
    this.index(trade);
    this.store.saveTrade(trade);
  }

  private index(trade: AlipaySandboxTrade): void {
    if (!this.trades.has(trade.tradeNo)) {
      const same = this.byOutTradeNoIndex.get(trade.outTradeNo) ?? [];
      same.push(trade);
      this.byOutTradeNoIndex.set(trade.outTradeNo, same);
      this.byTokenIndex.set(trade.token, trade);
    }
    this.trades.set(trade.tradeNo, trade);
  }
  byOutTradeNo(appId: string, outTradeNo: string) {
    return this.list(outTradeNo).find((t) => t.appId === appId);
  }
  byTradeNo(tradeNo: string) {
    return this.trades.get(tradeNo);
  }
  byToken(token: string) {
    return this.byTokenIndex.get(token);
  }
  byAnyReference(reference: string) {
    return this.trades.get(reference) ?? this.list(reference)[0];
  }
  list(outTradeNo?: string) {
    return outTradeNo !== undefined ? [...(this.byOutTradeNoIndex.get(outTradeNo) ?? [])] : [...this.trades.values()];
  }
}
