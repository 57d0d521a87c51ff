import { create } from '@bufbuild/protobuf';
import { OrderSchema, type Order } from '@cardshop/contracts';
import { toProtoStatus, type OrderState } from './order-state/order-state';

export interface OrderRow {
  id: string; status: OrderState; product_id: string; seller_id: string; quantity: number; total_minor: string;
  currency: string; email: string; country: string; query_password_hash: string | null; idempotency_key: string | null;
  request_hash: string | null; expires_at: Date; created_at: Date; delivered_at: Date | null; discount_minor: string; coupon_code: string | null; channel: string | null;
}

export const ORDER_COLUMNS = 'id, status, product_id, seller_id, quantity, total_minor, currency, email, country, query_password_hash, idempotency_key, request_hash, expires_at, created_at, delivered_at, discount_minor, coupon_code, channel';

export function toOrder(r: OrderRow): Order {
  return create(OrderSchema, {
    id: r.id, status: toProtoStatus(r.status), productId: r.product_id, sellerId: r.seller_id, quantity: r.quantity,
    total: { minorAmount: BigInt(r.total_minor), currency: r.currency }, email: r.email, country: r.country,
    expiresAtMs: BigInt(new Date(r.expires_at).getTime()), createdAtMs: BigInt(new Date(r.created_at).getTime()),
    deliveredAtMs: r.delivered_at ? BigInt(new Date(r.delivered_at).getTime()) : 0n,
    paidChannel: r.channel ?? '',
    ...(r.coupon_code ? { couponCode: r.coupon_code, discount: { minorAmount: BigInt(r.discount_minor), currency: r.currency } } : {}),
  });
}
