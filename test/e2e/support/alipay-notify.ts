import { createSign, randomBytes, randomInt } from 'node:crypto';

/** Our adapter's Alipay app id, as the stack runner registers it at the sandbox. */
export const OUR_APP_ID = '2021000000000001';

/** Alipay's notify sign string: sorted `k=v` joined by `&`, empty values, sign and sign_type left out. */
export function notifySignString(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

/** RSA2 (SHA256withRSA, base64) over the notify sign string. */
export function signNotify(params: Record<string, string>, privateKeyPem: string): Record<string, string> {
  const sign = createSign('RSA-SHA256').update(notifySignString(params), 'utf8').sign(privateKeyPem, 'base64');
  return { ...params, sign_type: 'RSA2', sign };
}

/** The fields a TRADE_SUCCESS notify for `outTradeNo` carries, before signing. */
export function successNotifyFields(outTradeNo: string, totalAmount: string): Record<string, string> {
  const now = new Date().toISOString().replace('T', ' ').slice(0, 19);
  return {
    notify_time: now,
    notify_type: 'trade_status_sync',
    notify_id: randomBytes(16).toString('hex'),
    app_id: OUR_APP_ID,
    charset: 'utf-8',
    version: '1.0',
    trade_no: `202611252200${randomInt(1e7, 1e8)}${randomInt(1e7, 1e8)}`,
    out_trade_no: outTradeNo,
    buyer_id: '2088102177846880',
    seller_id: '2088102177648877',
    trade_status: 'TRADE_SUCCESS',
    total_amount: totalAmount,
    receipt_amount: totalAmount,
    buyer_pay_amount: totalAmount,
    subject: 'card keys',
    gmt_create: now,
    gmt_payment: now,
  };
}

export async function postForm(url: string, body: string | Buffer, contentType = 'application/x-www-form-urlencoded; charset=utf-8') {
  const res = await fetch(url, { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body, signal: AbortSignal.timeout(30_000) });
  return { status: res.status, text: await res.text() };
}

export const formOf = (params: Record<string, string>) => new URLSearchParams(params).toString();

