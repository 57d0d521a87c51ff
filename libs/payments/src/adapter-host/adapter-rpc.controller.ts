import { Controller, Inject, type Type } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { create } from '@bufbuild/protobuf';
import {
  CancelPaymentResponseSchema, CreatePaymentResponseSchema, PaymentProviderService, patternOfMethod, ProviderStatus, QueryPaymentResponseSchema, RefundPaymentResponseSchema,
  type CancelPaymentRequest, type CreatePaymentRequest, type QueryPaymentRequest, type RefundPaymentRequest,
} from '@cardshop/contracts';
import { notFound } from '@cardshop/platform';
import type { PaymentAdapter } from '../adapter-kit';
import { ExpectedPayments } from './expected-payments';
import { fromProtoMoney, toProtoFailure, toProtoMoney, toProtoNextAction, toProviderStatus } from './proto-mapping';

export const PAYMENT_ADAPTER = Symbol('PAYMENT_ADAPTER');

/**
 * The NATS face of one adapter: `PaymentProviderService` rpcs qualified by the provider name, so
 * payments reaches exactly this adapter. Built per provider because patterns are decorator-time.
 */
export function adapterRpcController(provider: string): Type<unknown> {
  @Controller()
  class AdapterRpcController {
    constructor(@Inject(PAYMENT_ADAPTER) private readonly adapter: PaymentAdapter, private readonly attempts: ExpectedPayments) {}

    @MessagePattern(patternOfMethod(PaymentProviderService.method.createPayment, provider))
    async create(@Payload() req: CreatePaymentRequest) {
      const expiresIn = req.expiresAtMs > 0n ? Math.max(60, Math.floor((Number(req.expiresAtMs) - Date.now()) / 1000)) : undefined;
      const amount = fromProtoMoney(req.amount);
      const createdAtMs = req.createdAtMs > 0n ? Number(req.createdAtMs) : undefined;
      // Remembered before the provider is called: its notification may arrive before it answers.
      this.attempts.remember({ merchantReference: req.merchantReference, amount, ...(createdAtMs ? { createdAtMs } : {}) });
      const r = await this.adapter.createPayment({
        merchantReference: req.merchantReference, amount, description: req.subject || req.merchantReference,
        expiresInSeconds: expiresIn, buyer: { country: req.country || undefined, device: req.device || undefined, ip: req.buyerIp || undefined },
        channel: req.channel || undefined, returnUrl: req.returnUrl || undefined, createdAtMs,
      });
      return create(CreatePaymentResponseSchema, {
        providerReference: r.providerReference ?? '', status: toProviderStatus(r.status), nextAction: toProtoNextAction(r.nextAction), failure: toProtoFailure(r.decline),
      });
    }

    @MessagePattern(patternOfMethod(PaymentProviderService.method.queryPayment, provider))
    async query(@Payload() req: QueryPaymentRequest) {
      // The adapter verifies the provider's amount against what we asked for, so fetch that first.
      const expected = await this.attempts.expectedPayment(req.merchantReference);
      if (!expected) throw notFound('PAYMENT.UNKNOWN_REFERENCE', `no attempt with reference ${req.merchantReference}`);
      const r = await this.adapter.queryPayment({ merchantReference: req.merchantReference, amount: expected.amount, createdAtMs: expected.createdAtMs });
      return create(QueryPaymentResponseSchema, {
        status: toProviderStatus(r.status), providerReference: r.providerReference ?? '', amount: r.amount ? toProtoMoney(r.amount) : undefined, failure: toProtoFailure(r.decline),
      });
    }

    @MessagePattern(patternOfMethod(PaymentProviderService.method.cancelPayment, provider))
    async cancel(@Payload() req: CancelPaymentRequest) {
      // UnionPay and epay have no close: the payment stays open at the provider until it lapses,
      // so the caller keeps asking about it (and refunds it if the buyer pays anyway).
      if (!this.adapter.capabilities().supportsCancel) return create(CancelPaymentResponseSchema, { status: ProviderStatus.PENDING });
      const expected = await this.attempts.expectedPayment(req.merchantReference);
      const r = await this.adapter.cancelPayment({ merchantReference: req.merchantReference, createdAtMs: expected?.createdAtMs });
      return create(CancelPaymentResponseSchema, { status: toProviderStatus(r.status) });
    }

    @MessagePattern(patternOfMethod(PaymentProviderService.method.refundPayment, provider))
    async refund(@Payload() req: RefundPaymentRequest) {
      const expected = await this.attempts.expectedPayment(req.merchantReference);
      const r = await this.adapter.refundPayment({
        merchantReference: req.merchantReference, providerReference: req.providerReference || undefined, refundReference: req.refundReference, createdAtMs: expected?.createdAtMs,
        amount: fromProtoMoney(req.amount), reason: req.reason || undefined,
      });
      return create(RefundPaymentResponseSchema, { status: r.status, refundedTotal: r.refundedTotal ? toProtoMoney(r.refundedTotal) : undefined, failure: toProtoFailure(r.decline) });
    }
  }
  return AdapterRpcController;
}
