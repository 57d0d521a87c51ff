/** How the sandbox delivers a provider's notifications from now on. */
export interface NotificationPlan {
  /**
   * normal: send, retry on the provider's schedule; drop: never send (the next `count`, or all
   * until changed); duplicate: send `count` (default 2) copies at once; delay: first send after
   * `delayMs`; reorder: hold until `count` (default 2) are queued, then send newest first.
   */
  mode: 'normal' | 'drop' | 'duplicate' | 'delay' | 'reorder';
  count?: number;
  delayMs?: number;
}

export interface SandboxPaymentView {
  provider: string;
  merchantReference: string;
  providerReference: string;
  state: string;
  amount: { minor: number; currency: string };
  notifications: { id: string; status: string; attempts: number; acknowledged: boolean }[];
}

export type BuyerOutcome = 'success' | 'decline' | 'abandon';

/** What each simulated provider offers the provider-agnostic control API. */
export interface SandboxProvider {
  readonly name: string;
  listPayments(merchantReference?: string): SandboxPaymentView[];
  /** Acts as the buyer; `reference` is the provider's id or the merchant's reference. */
  complete(reference: string, outcome: BuyerOutcome, reason?: string): Promise<SandboxPaymentView>;
  setNotificationPlan(plan: NotificationPlan): void;
  keys(baseUrl: string): { endpoint: string; publicKey?: string; [k: string]: unknown };
  registerMerchant(merchantId: string, body: { publicKey?: string; notifyUrl?: string; [k: string]: unknown }, baseUrl: string): Promise<Record<string, unknown>>;
  /**
   * The notifications sent about a payment, byte for byte as they went out: what a network
   * eavesdropper could capture, so tests can replay and tamper with genuine ones.
   */
  sentNotifications(reference: string): SentNotification[];
}

export interface SentNotification {
  id: string;
  /** What it announces (`TRADE_SUCCESS`, `TRANSACTION.SUCCESS`, …). */
  label: string;
  status: string;
  /** A deliberately mis-signed copy (WeChat's signature probes). */
  probe?: boolean;
  request: { method: 'GET' | 'POST'; url: string; headers: Record<string, string>; body?: string };
}
