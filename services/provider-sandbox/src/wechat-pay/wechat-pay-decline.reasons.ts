/**
 * What a buyer's failure inside WeChat can be, by the v2 micropay error code and WeChat's own
 * Chinese wording. Real WeChat tells only the buyer; the sandbox reports it through the query
 * API as `trade_state: PAYERROR` with this wording as `trade_state_desc` (the adapter holds the
 * same table to read it back).
 */
export const WECHAT_DECLINE_REASONS: Record<string, string> = {
  NOTENOUGH: '余额不足',
  NOTSUPORTCARD: '不支持卡类型',
  BUYER_MISMATCH: '支付帐号错误',
  TRADE_ERROR: '交易错误，该笔交易存在风险',
  BANKERROR: '银行系统异常',
  AUTHCODEEXPIRE: '二维码已过期，请用户在微信上刷新后再试',
};

export const DEFAULT_DECLINE_REASON = 'NOTENOUGH';

export const TRADE_STATE_DESC = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  CLOSED: '订单已关闭',
  REFUND: '转入退款',
} as const;
