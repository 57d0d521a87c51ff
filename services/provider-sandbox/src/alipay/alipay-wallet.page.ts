import { buyerPage } from '../kit';
import type { AlipaySandboxTrade } from './alipay-trade.repository';
import { yuanOf } from './alipay-trade.lifecycle';

/** The wallet page a precreate QR opens: what the buyer sees in the Alipay app, simplified. */
export function walletPage(trade: AlipaySandboxTrade, notice?: string): string {
  const action = (path: string) => `/alipay/qr/${encodeURIComponent(trade.token)}/${path}`;
  const paid = trade.status === 'TRADE_SUCCESS' || trade.status === 'TRADE_FINISHED';
  return buyerPage({
    brand: { zh: '支付宝', en: 'Alipay' },
    accent: '#1677ff',
    amount: yuanOf(trade.totalMinor),
    subject: trade.subject,
    rows: [['Merchant', `App ${trade.appId}`], ['Order', trade.outTradeNo]],
    actions: trade.status === 'WAIT_BUYER_PAY' ? { pay: action('pay'), decline: action('decline') } : undefined,
    outcome: paid ? 'paid' : trade.status === 'TRADE_CLOSED' ? 'Closed' : trade.status,
    notice,
  });
}
