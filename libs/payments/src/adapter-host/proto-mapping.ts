import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { FailureSchema, MoneySchema, NextActionSchema, ProviderStatus, type Money as ProtoMoney, type Failure } from '@cardshop/contracts';
import { money, type Money } from '../money';
import type { NextAction, PaymentStatus, Decline } from '../adapter-kit';

/** Contracts carry int64 minor amounts as bigint; the adapter kit uses safe-integer numbers. */
export const fromProtoMoney = (m: ProtoMoney | undefined): Money => {
  if (!m) throw new Error('amount is required');
  return money(Number(m.minorAmount), m.currency);
};
export const toProtoMoney = (m: Money): MessageInitShape<typeof MoneySchema> => ({ minorAmount: BigInt(m.minor), currency: m.currency });

const STATUS: Record<PaymentStatus, ProviderStatus> = {
  pending: ProviderStatus.PENDING,
  requires_action: ProviderStatus.PENDING,
  succeeded: ProviderStatus.SUCCEEDED,
  failed: ProviderStatus.FAILED,
  cancelled: ProviderStatus.CANCELLED,
  refunded: ProviderStatus.REFUNDED,
  not_found: ProviderStatus.NOT_FOUND,
};
export const toProviderStatus = (s: PaymentStatus): ProviderStatus => STATUS[s];

export function toProtoNextAction(a: NextAction | undefined) {
  if (!a) return undefined;
  switch (a.type) {
    case 'qr': return create(NextActionSchema, { kind: { case: 'qr', value: { qrContent: a.qrContent, imageUrl: a.imageUrl ?? '' } } });
    case 'redirect': return create(NextActionSchema, { kind: { case: 'redirect', value: { url: a.url } } });
    case 'deeplink': return create(NextActionSchema, { kind: { case: 'deeplink', value: { url: a.url } } });
    case 'voucher': return create(NextActionSchema, { kind: { case: 'voucher', value: { digitableLine: a.digitableLine, barcode: a.barcode, pdfUrl: a.pdfUrl ?? '', dueDate: a.dueDate } } });
    case 'crypto_transfer':
      return create(NextActionSchema, { kind: { case: 'cryptoTransfer', value: { network: a.network, address: a.address, amount: { minorAmount: BigInt(a.amount.minor), currency: a.amount.currency }, expiresAtMs: BigInt(Date.parse(a.expiresAt)), requiredConfirmations: a.requiredConfirmations } } });
  }
}

export function toProtoFailure(d: Decline | undefined, alternatives: string[] = []): Failure | undefined {
  if (!d) return undefined;
  return create(FailureSchema, { code: d.code, cause: d.cause, remedy: d.remedy, alternatives });
}
