import { money, toDecimalString } from '@cardshop/payments';
import { buyerPage } from '../kit';
import type { UnionPayTxn } from './unionpay-transaction';

const OUTCOME: Record<UnionPayTxn['state'], string> = {
  pending: '',
  success: 'paid',
  failed: 'Payment failed',
  expired: 'This payment has expired',
};

/** The 云闪付 cashier a QR code or the front consume opens: Pay and Decline while it is open. */
export function cashierPage(t: UnionPayTxn, notice?: string): string {
  const open = t.state === 'pending';
  return buyerPage({
    brand: { zh: '云闪付', en: 'UnionPay' },
    accent: '#e60012',
    amount: toDecimalString(money(t.amountMinor, 'CNY')),
    subject: `Order ${t.merchantReference}`,
    rows: [
      ['Merchant (merId)', t.merchantId],
      ['Order (orderId)', t.merchantReference],
      ['Transaction (queryId)', t.id],
      ...(open ? [] : ([['Result (respCode)', t.respCode]] as [string, string][])),
    ],
    actions: open ? { pay: `/unionpay/qr/${t.token}/pay`, decline: `/unionpay/qr/${t.token}/decline` } : undefined,
    outcome: open ? undefined : OUTCOME[t.state],
    notice,
  });
}

/** What the buyer sees when the gateway refuses the merchant's form (UnionPay shows its error page). */
export function gatewayErrorPage(respCode: string, respMsg: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>云闪付 UnionPay sandbox</title></head>
<body><main><h1>交易失败 Payment request refused</h1><p>respCode ${esc(respCode)}: ${esc(respMsg)}</p></main></body></html>`;
}
