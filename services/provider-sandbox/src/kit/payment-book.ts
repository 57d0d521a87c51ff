import type { SandboxNotificationRecord } from './notifier';
import type { SandboxStore } from './sandbox-store';

/** What every simulated provider's payment has, whatever else its provider keeps on it. */
export interface BookedPayment {
  /** The provider's own id (WeChat `transaction_id`, UnionPay `queryId`, epay `trade_no`). */
  id: string;
  /** Which registered merchant created it (WeChat `mchid`, UnionPay `merId`, epay `pid`). */
  merchantId: string;
  /** The merchant's id for it (`out_trade_no`, `orderId`). */
  merchantReference: string;
  /** Path segment of the buyer's page (wallet, cashier) for this payment. */
  token: string;
  /** Epoch ms. */
  createdAt: number;
  notifications: SandboxNotificationRecord[];
}

/**
 * One provider's payments: read from memory, indexed every way callers look them up, every change
 * written through to the store. Payments must be plain JSON (numbers for times, no Maps).
 */
export class PaymentBook<P extends BookedPayment> {
  private readonly byId = new Map<string, P>();
  private readonly byReference = new Map<string, P[]>();
  private readonly byToken = new Map<string, P>();

  constructor(
    readonly provider: string,
    private readonly store: SandboxStore,
  ) {}

  /** Payments from before a restart come back, notifications and all. */
  async load(): Promise<this> {
    for (const p of await this.store.loadPayments<P>(this.provider)) this.index(p);
    return this;
  }

  save(payment: P): void {
    this.index(payment);
    this.store.savePayment(this.provider, payment.id, payment);
  }

  get(id: string): P | undefined {
    return this.byId.get(id);
  }

  /** A merchant's payment by its own reference. */
  byMerchantReference(merchantId: string, reference: string): P | undefined {
    return this.byReference.get(reference)?.find((p) => p.merchantId === merchantId);
  }

  token(token: string): P | undefined {
    return this.byToken.get(token);
  }

  /** By provider id or merchant reference, across merchants (the control API knows no merchant). */
  byAnyReference(reference: string): P | undefined {
    return this.byId.get(reference) ?? this.byReference.get(reference)?.[0];
  }

  list(merchantReference?: string): P[] {
    return merchantReference !== undefined ? [...(this.byReference.get(merchantReference) ?? [])] : [...this.byId.values()];
  }

  private index(p: P): void {
    if (!this.byId.has(p.id)) {
      const same = this.byReference.get(p.merchantReference) ?? [];
      same.push(p);
      this.byReference.set(p.merchantReference, same);
      this.byToken.set(p.token, p);
    }
    this.byId.set(p.id, p);
  }
}

/** The control API's view of what was sent about a payment (see SandboxProvider.sentNotifications). */
export function sentNotificationsOf(book: PaymentBook<BookedPayment>, reference: string) {
  return (book.byAnyReference(reference)?.notifications ?? []).map((n) => ({ id: n.id, label: n.label, status: n.status, probe: n.probe, request: n.request }));
}
