/** Declines are data: a unified code, what happened in plain words, and what the buyer can do. */
export const DECLINE_CODES = {
  insufficient_funds: {
    cause: 'The balance or card limit was too low for this amount.',
    remedy: 'Top up, or pay with another channel such as UnionPay or USDT.',
  },
  card_declined: {
    cause: 'The card or account was refused by its issuer or is restricted.',
    remedy: 'Contact the issuer, or pay with another card or channel.',
  },
  limit_exceeded: {
    cause: 'A daily, monthly or per-payment limit of the account was reached.',
    remedy: 'Pay a smaller amount, wait for the limit to reset, or use another channel.',
  },
  expired: {
    cause: 'The payment was not completed in time and was closed.',
    remedy: 'Start the payment again.',
  },
  risk_rejected: {
    cause: "The provider's risk controls stopped this payment.",
    remedy: 'Try another channel; contact support if it keeps happening.',
  },
  provider_unavailable: {
    cause: 'The payment provider did not answer or reported a temporary fault.',
    remedy: 'Try again in a minute, or choose another channel.',
  },
  invalid_request: {
    cause: 'The provider rejected the request as malformed or inconsistent.',
    remedy: 'Contact support: this is our fault, not yours.',
  },
  duplicate: {
    cause: 'A payment with this reference already exists or was already paid.',
    remedy: 'Check the order status before paying again.',
  },
  unknown: {
    cause: 'The provider refused the payment without a reason we recognise.',
    remedy: 'Try again or choose another channel.',
  },
} as const satisfies Record<string, { cause: string; remedy: string }>;

export type DeclineCode = keyof typeof DECLINE_CODES;

export interface Decline {
  code: DeclineCode;
  cause: string;
  remedy: string;
  /** The provider's own code, kept for support and analytics (e.g. `ACQ.BUYER_BALANCE_NOT_ENOUGH`). */
  providerCode?: string;
}

export function decline(code: DeclineCode, providerCode?: string): Decline {
  return { code, ...DECLINE_CODES[code], ...(providerCode ? { providerCode } : {}) };
}
