import { AppError } from '@cardshop/platform';

/** Codes of payment faults (not declines): something went wrong talking to the provider. */
export type PaymentErrorCode =
  | 'PAYMENT.PROVIDER_UNAVAILABLE'
  | 'PAYMENT.PROVIDER_SIGNATURE_INVALID'
  | 'PAYMENT.PROVIDER_RESPONSE_INVALID'
  | 'PAYMENT.INTEGRITY_MISMATCH'
  | 'PAYMENT.INVALID_REQUEST'
  | 'PAYMENT.UNSUPPORTED';

/**
 * A fault while talking to a provider. `retryable` says whether the same call may succeed
 * later (timeouts, 5xx) or never will (a response that fails signature verification).
 */
export class PaymentError extends AppError {
  constructor(code: PaymentErrorCode, message: string, retryable: boolean, options?: { cause?: unknown; details?: unknown }) {
    super(code, message, retryable ? 503 : 502, retryable, options?.details, { cause: options?.cause });
    this.name = 'PaymentError';
  }
}
