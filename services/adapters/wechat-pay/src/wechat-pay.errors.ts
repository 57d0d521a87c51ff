import { decline, type Decline, type DeclineCode } from '@cardshop/payments';

interface Mapping {
  decline: DeclineCode;
  retryable: boolean;
}

/**
 * Every `code` of a non-2xx API v3 answer we know (provider-protocols §2.1, §2.3) → unified
 * decline. Retryable means the same request may work later: WeChat documents SYSTEM_ERROR and
 * the rate limits as "retry with the same parameters".
 */
export const WECHAT_ERROR_CODES: Record<string, Mapping> = {
  PARAM_ERROR: { decline: 'invalid_request', retryable: false },
  INVALID_REQUEST: { decline: 'invalid_request', retryable: false },
  SIGN_ERROR: { decline: 'invalid_request', retryable: false },
  NO_AUTH: { decline: 'invalid_request', retryable: false },
  MCH_NOT_EXISTS: { decline: 'invalid_request', retryable: false },
  APPID_MCHID_NOT_MATCH: { decline: 'invalid_request', retryable: false },
  ORDER_NOT_EXIST: { decline: 'invalid_request', retryable: false },
  RESOURCE_NOT_EXISTS: { decline: 'invalid_request', retryable: false },
  OUT_TRADE_NO_USED: { decline: 'duplicate', retryable: false },
  ORDERPAID: { decline: 'duplicate', retryable: false },
  ORDER_CLOSED: { decline: 'expired', retryable: false },
  // Refunds: the merchant's available balance is too low to pay the refund back.
  NOT_ENOUGH: { decline: 'insufficient_funds', retryable: false },
  USER_ACCOUNT_ABNORMAL: { decline: 'card_declined', retryable: false },
  TRADE_ERROR: { decline: 'risk_rejected', retryable: false },
  FREQUENCY_LIMITED: { decline: 'provider_unavailable', retryable: true },
  RATELIMIT_EXCEEDED: { decline: 'provider_unavailable', retryable: true },
  SYSTEM_ERROR: { decline: 'provider_unavailable', retryable: true },
  SERVICE_UNAVAILABLE: { decline: 'provider_unavailable', retryable: true },
  BANK_ERROR: { decline: 'provider_unavailable', retryable: true },
};

/** Maps an error answer to a decline and whether retrying may help; unknown codes fall back on the HTTP status. */
export function mapWechatError(status: number, code: string | undefined): { decline: Decline; retryable: boolean } {
  const known = code && Object.prototype.hasOwnProperty.call(WECHAT_ERROR_CODES, code) ? WECHAT_ERROR_CODES[code] : undefined;
  const providerCode = code || `HTTP_${status}`;
  if (known) return { decline: decline(known.decline, providerCode), retryable: known.retryable };
  if (status >= 500 || status === 429) return { decline: decline('provider_unavailable', providerCode), retryable: true };
  return { decline: decline('unknown', providerCode), retryable: false };
}

/**
 * Why a buyer's payment failed, for `trade_state: PAYERROR`. Real WeChat reports in-app failures
 * of Native/H5 payments to nobody but the buyer; the sandbox models them as PAYERROR with
 * WeChat's own Chinese wording in `trade_state_desc` (codes and texts from the v2 micropay error
 * list), and this table reads that wording back. The sandbox holds the same table.
 */
export const PAYERROR_CAUSES: Record<string, { desc: string; decline: DeclineCode }> = {
  NOTENOUGH: { desc: '余额不足', decline: 'insufficient_funds' },
  NOTSUPORTCARD: { desc: '不支持卡类型', decline: 'card_declined' },
  BUYER_MISMATCH: { desc: '支付帐号错误', decline: 'card_declined' },
  TRADE_ERROR: { desc: '交易错误，该笔交易存在风险', decline: 'risk_rejected' },
  BANKERROR: { desc: '银行系统异常', decline: 'provider_unavailable' },
  AUTHCODEEXPIRE: { desc: '二维码已过期，请用户在微信上刷新后再试', decline: 'expired' },
};

/** The decline for a PAYERROR transaction, from its `trade_state_desc`; `unknown` when the wording is new to us. */
export function payErrorDecline(desc: string | undefined): Decline {
  const text = desc ?? '';
  // Longest wording first, so a text containing a shorter one is not mistaken for it.
  const hit = Object.entries(PAYERROR_CAUSES)
    .sort(([, a], [, b]) => b.desc.length - a.desc.length)
    .find(([, c]) => text.includes(c.desc));
  return hit ? decline(hit[1].decline, hit[0]) : decline('unknown', 'PAYERROR');
}
