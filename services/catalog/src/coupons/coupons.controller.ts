import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { CatalogService, CouponSchema, CreateCouponResponseSchema, ListCouponsResponseSchema, patternOfMethod, type CreateCouponRequest, type ListCouponsRequest } from '@cardshop/contracts';
import { badRequest, conflict, isUuid, notFound } from '@cardshop/platform';

interface Row {
  id: string; code: string; amount_off_minor: string | null; currency: string | null; percent_off: number | null;
  product_id: string | null; usage_limit: number; used: number; expires_at: Date | null;
}

const toCoupon = (r: Row): MessageInitShape<typeof CouponSchema> => ({
  id: r.id, code: r.code, percentOff: r.percent_off ?? 0, productId: r.product_id ?? '', usageLimit: r.usage_limit, used: r.used,
  amountOff: r.amount_off_minor !== null ? { minorAmount: BigInt(r.amount_off_minor), currency: r.currency ?? '' } : undefined,
  expiresAtMs: r.expires_at ? BigInt(new Date(r.expires_at).getTime()) : 0n,
});

const COLUMNS = 'id, code, amount_off_minor, currency, percent_off, product_id, usage_limit, used, expires_at';

/** Sellers' coupons: fixed or percent off, for one product or all of the seller's, limited in uses and time. */
@Controller()
export class CouponsController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @MessagePattern(patternOfMethod(CatalogService.method.createCoupon))
  async createCoupon(@Payload() req: CreateCouponRequest) {
    const c = req.coupon;
    if (!c) throw badRequest('COUPON.INVALID', 'coupon is required');
    const code = c.code.trim();
    if (!/^[A-Za-z0-9_-]{3,64}$/.test(code)) throw badRequest('COUPON.INVALID_CODE', 'code must be 3 to 64 letters, digits, - or _');
    const amount = c.amountOff?.minorAmount ?? 0n;
    if ((amount > 0n) === (c.percentOff > 0)) throw badRequest('COUPON.INVALID_DISCOUNT', 'give either amountOff or percentOff');
    if (c.percentOff && (c.percentOff < 1 || c.percentOff > 99)) throw badRequest('COUPON.INVALID_DISCOUNT', 'percentOff must be 1 to 99');
    if (amount < 0n || amount > BigInt(Number.MAX_SAFE_INTEGER)) throw badRequest('COUPON.INVALID_DISCOUNT', 'amountOff must be a positive amount in minor units');
    if (c.usageLimit < 0) throw badRequest('COUPON.INVALID_LIMIT', 'usageLimit must be 0 (no limit) or more');
    if (c.expiresAtMs && c.expiresAtMs <= BigInt(Date.now())) throw badRequest('COUPON.INVALID_EXPIRY', 'expiresAt must be in the future');
    const [seller]: { currency: string }[] = await this.db.query('SELECT currency FROM sellers WHERE id = $1', [req.sellerId]);
    if (!seller) throw notFound('SELLER.NOT_FOUND', 'no such seller');
    let currency: string | null = null;
    if (c.productId) {
      if (!isUuid(c.productId)) throw notFound('PRODUCT.NOT_FOUND', 'no such product for this seller');
      const [p]: { currency: string }[] = await this.db.query('SELECT currency FROM products WHERE id = $1 AND seller_id = $2', [c.productId, req.sellerId]);
      if (!p) throw notFound('PRODUCT.NOT_FOUND', 'no such product for this seller');
      currency = p.currency;
    }
    if (amount > 0n) {
      currency = (c.amountOff?.currency || currency || seller.currency).toUpperCase();
    }
    try {
      const [row]: Row[] = await this.db.query(
        `INSERT INTO coupons (id, seller_id, code, amount_off_minor, currency, percent_off, product_id, usage_limit, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $9::bigint > 0 THEN to_timestamp($9::bigint / 1000.0) END) RETURNING ${COLUMNS}`,
        [randomUUID(), req.sellerId, code, amount > 0n ? amount : null, amount > 0n ? currency : null, c.percentOff || null, c.productId || null, c.usageLimit, c.expiresAtMs],
      );
      return create(CreateCouponResponseSchema, { coupon: toCoupon(row) });
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw conflict('COUPON.CODE_TAKEN', `you already have a coupon ${code}`);
      throw e;
    }
  }

  @MessagePattern(patternOfMethod(CatalogService.method.listCoupons))
  async list(@Payload() req: ListCouponsRequest) {
    const rows: Row[] = await this.db.query(`SELECT ${COLUMNS} FROM coupons WHERE seller_id = $1 ORDER BY created_at DESC LIMIT 500`, [req.sellerId]);
    return create(ListCouponsResponseSchema, { coupons: rows.map(toCoupon) });
  }
}
