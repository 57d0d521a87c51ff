import type { UnionPayConfig } from './unionpay.config';
import { signRequest } from './unionpay.http';
import { verifyFields } from './unionpay.signature';
import type { UnionPayFields } from './unionpay.types';

export const FRONT_TRANS_PATH = '/gateway/api/frontTransReq.do';
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The redirect URL for a front consume: our own pay page with the signed fields in `f` (base64url
 * JSON). Stateless on purpose: any adapter replica can render it, and the signature protects it.
 */
export function payPageUrlFor(config: UnionPayConfig, fields: UnionPayFields): string {
  const f = Buffer.from(JSON.stringify(signRequest(config, fields)), 'utf8').toString('base64url');
  const url = new URL(config.payPageUrl);
  url.searchParams.set('f', f);
  return url.toString();
}

/** The fields in `f` when they decode to strings only and carry our own valid signature; else null. */
export function signedFieldsOf(config: UnionPayConfig, query: URLSearchParams): UnionPayFields | null {
  const f = query.get('f');
  if (!f || !/^[A-Za-z0-9_-]+$/.test(f)) return null;
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(f, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return null;
  if (!Object.values(fields).every((v) => typeof v === 'string')) return null;
  const signed = fields as UnionPayFields;
  // Only a front consume of ours, signed with our key: anything else is an altered link.
  if (signed.merId !== config.merId || signed.certId !== config.certId || signed.txnType !== '01' || signed.txnSubType !== '01') return null;
  return verifyFields(signed, config.signCert) ? signed : null;
}

/**
 * The auto-submitting form the buyer's browser posts to UnionPay's frontTransReq.do, as the
 * official SDK's `createAutoFormHtml` renders it; a button for browsers without JavaScript.
 */
export function renderAutoForm(action: string, fields: UnionPayFields): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('\n');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>云闪付 UnionPay</title></head>
<body onload="document.forms[0].submit()"><form id="pay_form" method="post" action="${esc(action)}">
${inputs}
<noscript><button type="submit">Continue to UnionPay 前往银联支付</button></noscript>
</form></body></html>`;
}
