import { decline, type Decline, type DeclineCode } from '@cardshop/payments';

interface Mapping {
  decline: DeclineCode;
  retryable: boolean;
}

/**
 * The one table from what an epay aggregator says to a unified decline, first match wins. epay
 * has no error codes, only `msg` texts, some with the order number or a limit inside, hence
 * patterns. Rows are Rainbow_Epay's own messages (mapi.php, api.php, includes/lib/Order.php),
 * then the buyer-failure reasons of our aggregator extension (`failure.code` on act=order).
 * Retryable means the same request may work later. Order matters where one message contains
 * another: the merchant's 当前商户余额不足 is not the buyer's 余额不足.
 */
export const EPAY_ERRORS: readonly (readonly [RegExp, Mapping])[] = [
  // Our merchant account or request is wrong: nothing the buyer can fix, retrying will not help.
  [/^未传入任何参数/, { decline: 'invalid_request', retryable: false }],
  [/不能为空/, { decline: 'invalid_request', retryable: false }],
  [/^商户(ID)?不存在/, { decline: 'invalid_request', retryable: false }],
  [/签名校验失败|verify sign failed/i, { decline: 'invalid_request', retryable: false }],
  [/^商户密钥错误/, { decline: 'invalid_request', retryable: false }],
  [/^金额不合法|^金额输入错误/, { decline: 'invalid_request', retryable: false }],
  [/格式不正确/, { decline: 'invalid_request', retryable: false }],
  [/^支付方式\(type\)不存在/, { decline: 'invalid_request', retryable: false }],
  [/该域名不可发起支付/, { decline: 'invalid_request', retryable: false }],
  [/未开启商户后台自助退款|商户未开启订单退款API接口/, { decline: 'invalid_request', retryable: false }],
  [/^当前订单不存在/, { decline: 'invalid_request', retryable: false }],
  [/^只支持退款已支付状态的订单/, { decline: 'invalid_request', retryable: false }],
  [/^退款金额不能大于订单金额/, { decline: 'invalid_request', retryable: false }],
  [/^No Act!/, { decline: 'invalid_request', retryable: false }],
  // The same out_trade_no again: paid already, or with other parameters.
  [/已完成支付，请勿重复发起支付/, { decline: 'duplicate', retryable: false }],
  [/支付参数有变化|订单号已存在/, { decline: 'duplicate', retryable: false }],
  // Limits of the site, of the payment type's channel, or of the buyer's IP per day.
  [/^最(大|小)支付金额是/, { decline: 'limit_exceeded', retryable: false }],
  [/单笔最(小|大)限额为|金额超出限额/, { decline: 'limit_exceeded', retryable: false }],
  [/你今天已无法再发起支付/, { decline: 'limit_exceeded', retryable: false }],
  // The aggregator's own risk controls: banned product words, blacklisted buyer IP, forced verification.
  [/该商品禁止出售/, { decline: 'risk_rejected', retryable: false }],
  [/^系统异常无法完成付款/, { decline: 'risk_rejected', retryable: false }],
  [/需要安全验证/, { decline: 'risk_rejected', retryable: false }],
  // Our merchant account cannot take money now (banned, unverified, out of prepaid balance, type off).
  [/^当前商户余额不足|^商户余额不足/, { decline: 'provider_unavailable', retryable: false }],
  [/商户已封禁|商户没通过审核|未完成实名认证|未填写联系QQ/, { decline: 'provider_unavailable', retryable: false }],
  [/支付方式.*未开启|没有可用的支付通道|通道.*(关闭|维护)/, { decline: 'provider_unavailable', retryable: false }],
  // Transient faults of the aggregator or of the channel behind it.
  [/创建订单失败|^退款失败|系统繁忙|请稍后再试/, { decline: 'provider_unavailable', retryable: true }],
  // Buyer failures reported by our aggregator extension (`failure.code`, or its Chinese message).
  [/^BALANCE_NOT_ENOUGH$|^余额不足/, { decline: 'insufficient_funds', retryable: false }],
  [/^CARD_RESTRICTED$|银行卡受限|账户受限/, { decline: 'card_declined', retryable: false }],
  [/^RISK_REJECTED$|风控/, { decline: 'risk_rejected', retryable: false }],
  [/^EXPIRED$|已过期|已超时/, { decline: 'expired', retryable: false }],
];

/** Maps an aggregator's `msg` (or our extension's failure code) to a decline; unknown texts → `unknown`. */
export function mapEpayError(message: string | undefined): { decline: Decline; retryable: boolean } {
  const text = (message ?? '').trim();
  // The provider's words are kept for support, bounded so a hostile answer cannot bloat records.
  const providerCode = text.slice(0, 128) || 'epay';
  const row = EPAY_ERRORS.find(([pattern]) => pattern.test(text));
  if (!row) return { decline: decline('unknown', providerCode), retryable: false };
  return { decline: decline(row[1].decline, providerCode), retryable: row[1].retryable };
}
