import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { OutgoingNotification } from '../kit';
import { WechatPaySandboxState } from './wechat-pay-sandbox.state';
import type { WechatSandboxMerchant, WechatSandboxPayment, WechatSandboxRefund } from './wechat-pay-sandbox.types';
import { AUTH_SCHEMA, beijingTime, encryptResource, randomText, responseMessage, sha256RsaSign } from './wechat-pay-sandbox.wire';
import { transactionJson } from './wechat-pay-transactions.json';

/**
 * Builds and sends WeChat's notifications: the resource encrypted with the merchant's APIv3 key,
 * the envelope signed with the platform key. Each is built once, so every redelivery carries the
 * same id, bytes and timestamp. Only successes are notified (payments and refunds), as WeChat does.
 */
@Injectable()
export class WechatPayNotifications {
  private successes = 0;

  constructor(private readonly state: WechatPaySandboxState) {}

  paid(payment: WechatSandboxPayment, merchant: WechatSandboxMerchant): void {
    const request = this.build(payment.notifyUrl, merchant, 'TRANSACTION.SUCCESS', '支付成功', 'transaction', transactionJson(payment));
    const every = this.state.options.probeEvery;
    if (every > 0 && ++this.successes % every === 0) {
      // WeChat's probe: the genuine bytes under a signature that is not WeChat's. Sent first, so
      // a merchant that does not verify would act on it before the genuine one arrives.
      this.state.notifier.probe(payment, this.misSigned(request), 'TRANSACTION.SUCCESS (signature probe)');
    }
    this.state.notifier.send(payment, request, 'TRANSACTION.SUCCESS');
  }

  refunded(payment: WechatSandboxPayment, refund: WechatSandboxRefund, merchant: WechatSandboxMerchant): void {
    const resource = {
      mchid: payment.merchantId,
      out_trade_no: payment.merchantReference,
      transaction_id: payment.id,
      out_refund_no: refund.outRefundNo,
      refund_id: refund.refundId,
      refund_status: 'SUCCESS',
      success_time: beijingTime(refund.successAt),
      user_received_account: '支付用户零钱',
      amount: { total: payment.totalMinor, refund: refund.refundMinor, payer_total: payment.totalMinor, payer_refund: refund.refundMinor },
    };
    const url = refund.notifyUrl || payment.notifyUrl;
    this.state.notifier.send(payment, this.build(url, merchant, 'REFUND.SUCCESS', '退款成功', 'refund', resource), 'REFUND.SUCCESS');
  }

  private build(url: string, merchant: WechatSandboxMerchant, eventType: string, summary: string, kind: 'transaction' | 'refund', resource: object): OutgoingNotification {
    const nonce = randomText(12);
    const body = JSON.stringify({
      id: `EV-${randomUUID()}`,
      create_time: beijingTime(),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary,
      resource: {
        original_type: kind,
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: encryptResource(JSON.stringify(resource), merchant.apiV3Key, nonce, kind),
        associated_data: kind,
        nonce,
      },
    });
    return { method: 'POST', url, headers: this.signedHeaders(body), body };
  }

  /** The Wechatpay-* headers WeChat puts on responses and notifications. */
  signedHeaders(body: string): Record<string, string> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomText(32);
    const { privateKey, serial } = this.state.keys;
    return {
      'content-type': 'application/json',
      'request-id': randomUUID(),
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-serial': serial,
      'wechatpay-signature-type': AUTH_SCHEMA,
      'wechatpay-signature': sha256RsaSign(responseMessage(timestamp, nonce, body), privateKey),
    };
  }

  /** The same request with a signature over other bytes: well-formed, and wrong. */
  private misSigned(request: OutgoingNotification): OutgoingNotification {
    const h = request.headers;
    const forged = sha256RsaSign(responseMessage(h['wechatpay-timestamp'], h['wechatpay-nonce'], `${request.body ?? ''} `), this.state.keys.privateKey);
    return { ...request, headers: { ...h, 'wechatpay-signature': forged } };
  }
}
