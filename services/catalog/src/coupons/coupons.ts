import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError, badRequest, conflict, queryRows } from '@cardshop/platform';

interface CouponRow {
  id: string; code: string; amount_off_minor: string | null; currency: string | null; percent_off: number | null;
  product_id: string | null; usage_limit: number; used: number; expired: boolean;
}

/** What a coupon takes off an order's price: a fixed amount, or a percentage rounded down. */
export function discountFor(c: { amount_off_minor: string | null; percent_off: number | null }, total: bigint): bigint {
  return c.amount_off_minor !== null ? BigInt(c.amount_off_minor) : (total * BigInt(c.percent_off ?? 0)) / 100n;
}

/**
 * Coupon uses travel with the keys: taken in the reservation's transaction (the coupon row
 * locked, so a limited coupon cannot be over-used by a rush), given back when the keys are.
 */
@Injectable()
export class Coupons {
  /**
   * Takes one use of the seller's coupon for this order and fixes the discount on its
   * reservation; throws a COUPON.* 4xx (and the caller's transaction rolls back) when it does not apply.
   */
  async use(em: EntityManager, a: { orderId: string; sellerId: string; productId: string; code: string; total: bigint; currency: string }): Promise<{ discount: bigint; code: string }> {
    const [c] = await queryRows<CouponRow>(
      em,
      `SELECT id, code, amount_off_minor, currency, percent_off, product_id, usage_limit, used, expires_at IS NOT NULL AND expires_at <= now() AS expired
       FROM coupons WHERE seller_id = $1 AND upper(code) = upper($2) FOR UPDATE`,
      [a.sellerId, a.code.trim()],
    );
    if (!c || (c.product_id && c.product_id !== a.productId)) throw badRequest('COUPON.NOT_APPLICABLE', 'this coupon does not apply to this product');
    if (c.expired) throw conflict('COUPON.EXPIRED', 'this coupon has expired');
    if (c.usage_limit > 0 && c.used >= c.usage_limit) throw conflict('COUPON.USED_UP', 'this coupon has been used as often as it may be');
    if (c.currency && c.currency !== a.currency) throw badRequest('COUPON.NOT_APPLICABLE', `this coupon is in ${c.currency}, the product in ${a.currency}`);
    const discount = discountFor(c, a.total);
    if (discount >= a.total) throw new AppError('COUPON.NOT_APPLICABLE', 'this coupon is worth as much as the order or more; it needs a larger order', 400);
    await em.query('UPDATE coupons SET used = used + 1 WHERE id = $1', [c.id]);
    await em.query('INSERT INTO coupon_uses (order_id, coupon_id, discount_minor) VALUES ($1, $2, $3)', [a.orderId, c.id, discount]);
    await em.query('UPDATE reservations SET discount_minor = $2, coupon_code = $3 WHERE order_id = $1', [a.orderId, discount, c.code]);
    return { discount, code: c.code };
  }

  /** Gives the order's coupon use back (its keys went back on the shelf). */
  async giveBack(em: EntityManager, orderId: string): Promise<void> {
    await em.query(
      `WITH u AS (DELETE FROM coupon_uses WHERE order_id = $1 RETURNING coupon_id)
       UPDATE coupons SET used = used - 1 FROM u WHERE coupons.id = u.coupon_id`,
      [orderId],
    );
  }
}
