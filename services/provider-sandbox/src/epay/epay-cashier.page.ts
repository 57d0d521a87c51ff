import { buyerPage } from '../kit';
import type { EpaySandboxPayment } from './epay-sandbox.types';
import { yuanOf } from './epay-sandbox.wire';

const TYPE_NAMES: Record<string, string> = { alipay: '支付宝 Alipay', wxpay: '微信支付 WeChat Pay', qqpay: 'QQ钱包 QQ Wallet', bank: '云闪付 UnionPay QR' };
const OUTCOMES: Record<EpaySandboxPayment['state'], string> = { unpaid: '', paid: 'paid', refunded: 'Refunded', failed: 'Payment failed', closed: 'Closed' };

/** The aggregator's cashier a QR code or payurl opens: the order, the chosen type, Pay and Decline. */
export function cashierPage(p: EpaySandboxPayment, notice?: string): string {
  const action = (path: string) => `/epay/pay/${encodeURIComponent(p.token)}/${path}`;
  return buyerPage({
    brand: { zh: '易支付', en: 'Epay aggregator' },
    accent: '#2f54eb',
    amount: yuanOf(p.moneyMinor),
    subject: p.name,
    rows: [
      ['Pay with', TYPE_NAMES[p.type] ?? p.type],
      ['Merchant', `pid ${p.merchantId}`],
      ['Order', p.merchantReference],
      ['Trade no', p.id],
      ...(p.failure ? ([['Reason', `${p.failure.code} ${p.failure.msg}`]] as [string, string][]) : []),
    ],
    actions: p.state === 'unpaid' ? { pay: action('pay'), decline: action('decline') } : undefined,
    outcome: OUTCOMES[p.state] || undefined,
    notice,
  });
}
