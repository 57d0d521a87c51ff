import { decline, type Decline, type DeclineCode } from '@cardshop/payments';

/** What a respCode (or a query's origRespCode) means for us. */
export type RespCodeMeaning =
  | { outcome: 'success' }
  /** Not a decline: the result is not known yet; query again. */
  | { outcome: 'pending' }
  | { outcome: 'declined'; decline: DeclineCode; retryable: boolean };

const declined = (code: DeclineCode, retryable = false): RespCodeMeaning => ({ outcome: 'declined', decline: code, retryable });

/**
 * The one respCode table (provider-protocols §3.7, UnionPay 《平台接入接口规范-第5部分-附录》).
 * Rows not in §3.7 (01, 02, 06, 10–13, 30) are the appendix's general codes as the public SDK
 * demos list them. Surprising rows:
 * - A6 (defective success) is a success: money was taken; the platform treats it as paid.
 * - 34 (no such transaction) is a decline only when it answers a refund or create; a query
 *   answered 34 means "not found yet" and is handled by the caller before this table.
 * - 42 (debited but past the payment time) is `expired`: UnionPay refunds it by itself.
 */
export const RESP_CODES: Record<string, RespCodeMeaning> = {
  '00': { outcome: 'success' },
  A6: { outcome: 'success' },
  '03': { outcome: 'pending' },
  '04': { outcome: 'pending' },
  '05': { outcome: 'pending' },
  '01': declined('unknown'),
  '02': declined('provider_unavailable', true),
  '06': declined('provider_unavailable', true),
  '10': declined('invalid_request'),
  '11': declined('invalid_request'),
  '12': declined('duplicate'),
  '13': declined('invalid_request'),
  '30': declined('card_declined'),
  '31': declined('invalid_request'),
  '32': declined('invalid_request'),
  '33': declined('limit_exceeded'),
  '34': declined('invalid_request'),
  '35': declined('invalid_request'),
  '36': declined('invalid_request'),
  '37': declined('provider_unavailable', true),
  '38': declined('risk_rejected'),
  '39': declined('provider_unavailable'),
  '42': declined('expired'),
  '60': declined('card_declined'),
  '61': declined('card_declined'),
  '62': declined('card_declined'),
  '63': declined('card_declined'),
  '64': declined('insufficient_funds'),
  '65': declined('card_declined'),
  '66': declined('card_declined'),
  '67': declined('card_declined'),
  '68': declined('card_declined'),
  '69': declined('expired'),
  '71': declined('card_declined'),
  '73': declined('card_declined'),
  '77': declined('card_declined'),
  '78': declined('card_declined'),
};

/** The codes §3.7 lists; the table above must have a row for each (checked by a unit test). */
export const DOCUMENTED_RESP_CODES = [
  '00', '03', '04', '05', '31', '32', '33', '34', '35', '36', '37', '38', '39', '42', '60', '61', '62', '63', '64', '65', '66', '67', '68', '69', '71', '73', '77', '78', 'A6',
] as const;

export function meaningOf(respCode: string): RespCodeMeaning {
  return RESP_CODES[respCode] ?? declined('unknown');
}

/** A failed respCode as a decline (unknown codes → `unknown`), and whether retrying may help. */
export function mapRespCode(respCode: string): { decline: Decline; retryable: boolean } {
  const m = meaningOf(respCode);
  if (m.outcome !== 'declined') return { decline: decline('unknown', respCode), retryable: m.outcome === 'pending' };
  return { decline: decline(m.decline, respCode), retryable: m.retryable };
}
