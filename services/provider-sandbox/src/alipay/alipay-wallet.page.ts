import type { AlipaySandboxTrade } from './alipay-trade.repository';
import { yuanOf } from './alipay-trade.lifecycle';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{margin:0;font:16px/1.5 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;background:#f2f4f7;color:#1a1a1a}
main{max-width:420px;margin:0 auto;padding:32px 20px}.card{background:#fff;border-radius:16px;padding:28px 24px;box-shadow:0 2px 12px rgba(0,0,0,.06);text-align:center}
.brand{color:#1677ff;font-weight:600;letter-spacing:.02em}.amount{font-size:44px;font-weight:600;margin:12px 0 4px}.amount small{font-size:22px;margin-right:4px}
.muted{color:#666;font-size:14px}dl{margin:24px 0;font-size:14px;border-top:1px solid #eee}
dl div{display:flex;justify-content:space-between;gap:16px;padding:10px 0;border-bottom:1px solid #eee}dt{color:#888}dd{margin:0;overflow-wrap:anywhere;text-align:right}
button.pay{width:100%;padding:16px;border:0;border-radius:12px;background:#1677ff;color:#fff;font-size:18px;font-weight:600;cursor:pointer}
button.link{background:none;border:0;color:#666;text-decoration:underline;margin-top:16px;cursor:pointer;font-size:14px}
.status{font-size:22px;font-weight:600;margin:8px 0 4px}.status.ok{color:#16a34a}.status.ok::before{content:"✓";display:block;margin:0 auto 8px;width:56px;height:56px;line-height:56px;border-radius:50%;background:#16a34a;color:#fff;font-size:30px}
.sandbox{margin-top:20px;text-align:center;font-size:12px;color:#999}`;

/** What the buyer sees once the trade can no longer be paid. */
function outcome(trade: AlipaySandboxTrade): string {
  if (trade.status === 'TRADE_SUCCESS' || trade.status === 'TRADE_FINISHED') {
    return `<p class="status ok">Paid</p><p class="muted">You can return to the merchant's page; it updates by itself.</p>`;
  }
  return `<p class="status">${trade.status === 'TRADE_CLOSED' ? 'Closed' : esc(trade.status)}</p>`;
}

/** The wallet page a precreate QR opens: what the buyer sees in the Alipay app, simplified. */
export function walletPage(trade: AlipaySandboxTrade, notice?: string): string {
  const action = (path: string) => `/alipay/qr/${encodeURIComponent(trade.token)}/${path}`;
  const body = trade.status === 'WAIT_BUYER_PAY'
    ? `<form method="post" action="${action('pay')}"><button class="pay" type="submit">Pay ¥${yuanOf(trade.totalMinor)}</button></form>
       <form method="post" action="${action('decline')}"><button class="link" type="submit">Decline</button></form>`
    : outcome(trade);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Alipay sandbox · ${esc(trade.subject)}</title><style>${STYLE}</style></head><body><main><div class="card">
<div class="brand"><span lang="zh-CN">支付宝</span> Alipay · sandbox</div>
<div class="amount"><small>¥</small>${yuanOf(trade.totalMinor)}</div><div class="muted">${esc(trade.subject)}</div>
<dl><div><dt>Merchant</dt><dd>App ${esc(trade.appId)}</dd></div><div><dt>Order</dt><dd>${esc(trade.outTradeNo)}</dd></div></dl>
${notice ? `<p class="muted">${esc(notice)}</p>` : ''}${body}</div>
<p class="sandbox">Simulated wallet — no real money moves.</p></main></body></html>`;
}
