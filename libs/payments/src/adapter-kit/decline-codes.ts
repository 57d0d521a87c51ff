/**
 * Declines are data: a unified code, what happened in plain words and what the buyer can do, in
 * English and Chinese. Remedies that suggest another channel name the router's actual next-best
 * channels (`{alternatives}`), so "try UnionPay or USDT" is only said when those can take the order.
 */
interface Texts {
  cause: string;
  /** `{alternatives}` is replaced by the channel names, e.g. "UnionPay or USDT". */
  remedy: string;
  /** Used when the router offers no other channel. */
  remedyAlone: string;
}

export const DECLINE_CODES = {
  insufficient_funds: {
    en: { cause: 'The balance or card limit was too low for this amount.', remedy: 'Top up, or pay with {alternatives} instead.', remedyAlone: 'Top up and pay again.' },
    zh: { cause: '余额不足', remedy: '请充值，或换用{alternatives}支付', remedyAlone: '请充值后重新支付' },
  },
  card_declined: {
    en: { cause: 'The card or account was refused by its issuer or is restricted.', remedy: 'Contact your bank, or pay with {alternatives}.', remedyAlone: 'Contact your bank, or pay with another card.' },
    zh: { cause: '银行卡或账户被发卡行拒绝或受限', remedy: '请联系发卡行，或换用{alternatives}支付', remedyAlone: '请联系发卡行，或换一张卡支付' },
  },
  limit_exceeded: {
    en: { cause: 'A daily, monthly or per-payment limit of the account was reached.', remedy: 'Pay a smaller amount, wait for the limit to reset, or use {alternatives}.', remedyAlone: 'Pay a smaller amount or wait for the limit to reset.' },
    zh: { cause: '超出账户的单笔、单日或单月限额', remedy: '请减少金额、等待限额恢复，或换用{alternatives}支付', remedyAlone: '请减少金额或等待限额恢复' },
  },
  expired: {
    en: { cause: 'The payment was not completed in time and was closed.', remedy: 'Start the payment again, or choose {alternatives}.', remedyAlone: 'Start the payment again.' },
    zh: { cause: '支付超时，订单已关闭', remedy: '请重新发起支付，或换用{alternatives}', remedyAlone: '请重新发起支付' },
  },
  risk_rejected: {
    en: { cause: "The provider's risk controls stopped this payment.", remedy: 'Pay with {alternatives}; contact support if it keeps happening.', remedyAlone: 'Contact support if it keeps happening.' },
    zh: { cause: '支付机构风控拦截了这笔支付', remedy: '请换用{alternatives}支付；如反复出现请联系客服', remedyAlone: '如反复出现请联系客服' },
  },
  provider_unavailable: {
    en: { cause: 'The payment provider did not answer or reported a temporary fault.', remedy: 'Try again in a minute, or choose {alternatives}.', remedyAlone: 'Try again in a minute.' },
    zh: { cause: '支付机构暂时无响应或出现临时故障', remedy: '请稍后重试，或换用{alternatives}', remedyAlone: '请稍后重试' },
  },
  invalid_request: {
    en: { cause: 'The provider rejected the request as malformed or inconsistent.', remedy: 'Pay with {alternatives}, and tell support: this is our fault, not yours.', remedyAlone: 'Contact support: this is our fault, not yours.' },
    zh: { cause: '支付机构认为请求格式错误或信息不一致', remedy: '请换用{alternatives}支付，并告知客服：这是我们的问题，不是您的', remedyAlone: '请联系客服：这是我们的问题，不是您的' },
  },
  duplicate: {
    en: { cause: 'A payment with this reference already exists or was already paid.', remedy: 'Check the order status before paying again.', remedyAlone: 'Check the order status before paying again.' },
    zh: { cause: '该笔支付已存在或已支付', remedy: '再次支付前请先查看订单状态', remedyAlone: '再次支付前请先查看订单状态' },
  },
  unknown: {
    en: { cause: 'The provider refused the payment without a reason we recognise.', remedy: 'Try again or choose {alternatives}.', remedyAlone: 'Try again later.' },
    zh: { cause: '支付机构拒绝了这笔支付，原因未知', remedy: '请重试，或换用{alternatives}', remedyAlone: '请稍后重试' },
  },
} as const satisfies Record<string, { en: Texts; zh: Texts }>;

export type DeclineCode = keyof typeof DECLINE_CODES;
export type DeclineLanguage = 'en' | 'zh';

export interface Decline {
  code: DeclineCode;
  cause: string;
  remedy: string;
  /** The provider's own code, kept for support and analytics (e.g. `ACQ.BUYER_BALANCE_NOT_ENOUGH`). */
  providerCode?: string;
}

export const isDeclineCode = (c: string): c is DeclineCode => Object.hasOwn(DECLINE_CODES, c);

/** The decline an adapter reports: English text without alternatives (payments adds those). */
export function decline(code: DeclineCode, providerCode?: string): Decline {
  const { cause, remedyAlone } = DECLINE_CODES[code].en;
  return { code, cause, remedy: remedyAlone, ...(providerCode ? { providerCode } : {}) };
}

/** Channel names as buyers know them. */
export const CHANNEL_NAMES: Readonly<Record<string, { en: string; zh: string }>> = {
  alipay: { en: 'Alipay', zh: '支付宝' },
  wechat_pay: { en: 'WeChat Pay', zh: '微信支付' },
  unionpay: { en: 'UnionPay', zh: '云闪付' },
  usdt_trc20: { en: 'USDT (TRC20)', zh: 'USDT（TRC20）' },
  usdt_erc20: { en: 'USDT (ERC20)', zh: 'USDT（ERC20）' },
  paypal: { en: 'PayPal', zh: 'PayPal' },
  upi: { en: 'UPI', zh: 'UPI' },
  boleto: { en: 'Boleto', zh: 'Boleto' },
  grabpay: { en: 'GrabPay', zh: 'GrabPay' },
  'epay:alipay': { en: 'Alipay (aggregator)', zh: '支付宝（聚合）' },
  'epay:wxpay': { en: 'WeChat Pay (aggregator)', zh: '微信支付（聚合）' },
  'epay:qqpay': { en: 'QQ Wallet', zh: 'QQ钱包' },
  'epay:bank': { en: 'UnionPay QR (aggregator)', zh: '云闪付（聚合）' },
};

export function channelName(channel: string, lang: DeclineLanguage): string {
  return CHANNEL_NAMES[channel]?.[lang] ?? channel;
}

/**
 * A decline explained to the buyer in one language, naming up to two of the router's next-best
 * channels: `explainDecline('insufficient_funds', ['unionpay', 'usdt_trc20'], 'zh')` →
 * `{ cause: '余额不足', remedy: '请充值，或换用云闪付或 USDT（TRC20）支付' }`.
 */
export function explainDecline(code: string, alternatives: readonly string[], lang: DeclineLanguage): { cause: string; remedy: string } {
  const texts: Texts = DECLINE_CODES[isDeclineCode(code) ? code : 'unknown'][lang];
  const names = alternatives.slice(0, 2).map((c) => channelName(c, lang));
  if (names.length === 0) return { cause: texts.cause, remedy: texts.remedyAlone };
  const joined = names.join(lang === 'zh' ? '或' : ' or ');
  return { cause: texts.cause, remedy: texts.remedy.replace('{alternatives}', joined) };
}
