import { decline, type Decline, type DeclineCode } from '@cardshop/payments';
import type { AlipayResponseBase } from './alipay.types';

interface Mapping {
  decline: DeclineCode;
  retryable: boolean;
}

/**
 * `sub_code` (under code 40004) → unified decline. Retryable means the same request may work
 * later; ACQ.SYSTEM_ERROR is retried by querying, as the trade.pay doc instructs.
 */
const SUB_CODES: Record<string, Mapping> = {
  'ACQ.BUYER_BALANCE_NOT_ENOUGH': { decline: 'insufficient_funds', retryable: false },
  'ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH': { decline: 'insufficient_funds', retryable: false },
  'ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR': { decline: 'limit_exceeded', retryable: false },
  'ACQ.BUYER_PAYMENT_AMOUNT_MONTH_LIMIT_ERROR': { decline: 'limit_exceeded', retryable: false },
  'ACQ.BEYOND_PAY_RESTRICTION': { decline: 'limit_exceeded', retryable: false },
  'ACQ.BUYER_ENABLE_STATUS_FORBID': { decline: 'card_declined', retryable: false },
  'ACQ.ERROR_BUYER_CERTIFY_LEVEL_LIMIT': { decline: 'card_declined', retryable: false },
  'ACQ.PAYMENT_REQUEST_HAS_RISK': { decline: 'risk_rejected', retryable: false },
  'ACQ.TRADE_HAS_CLOSE': { decline: 'expired', retryable: false },
  'ACQ.PAYMENT_AUTH_CODE_INVALID': { decline: 'expired', retryable: false },
  'ACQ.TRADE_HAS_SUCCESS': { decline: 'duplicate', retryable: false },
  'ACQ.SYSTEM_ERROR': { decline: 'provider_unavailable', retryable: true },
  'ACQ.INVALID_PARAMETER': { decline: 'invalid_request', retryable: false },
  'ACQ.CONTEXT_INCONSISTENT': { decline: 'invalid_request', retryable: false },
  'ACQ.TOTAL_FEE_EXCEED': { decline: 'invalid_request', retryable: false },
  'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL': { decline: 'invalid_request', retryable: false },
  'ACQ.REASON_TRADE_REFUND_FEE_ERR': { decline: 'invalid_request', retryable: false },
  'isv.invalid-signature': { decline: 'invalid_request', retryable: false },
};

/** Maps a non-10000 response to a decline and whether retrying may help. */
export function mapAlipayError(res: AlipayResponseBase): { decline: Decline; retryable: boolean } {
  const known = res.sub_code ? SUB_CODES[res.sub_code] : undefined;
  if (known) return { decline: decline(known.decline, res.sub_code), retryable: known.retryable };
  const providerCode = res.sub_code ?? res.code;
  if (res.code === '20000') return { decline: decline('provider_unavailable', providerCode), retryable: true };
  if (res.code === '40002' || res.code === '40001') return { decline: decline('invalid_request', providerCode), retryable: false };
  return { decline: decline('unknown', providerCode), retryable: false };
}
