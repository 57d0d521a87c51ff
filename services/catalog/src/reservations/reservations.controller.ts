import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import {
  CatalogService, KeysReleasedSchema, KeysSoldSchema, OrderCancelledSchema, OrderExpiredSchema, patternOfEvent, patternOfMethod, SellKeysResponseSchema,
  ReleaseKeysResponseSchema, ReserveKeysResponseSchema, RevealKeysResponseSchema,
  type OrderCancelled, type OrderExpired, type ReleaseKeysRequest, type SellKeysRequest, type ReserveKeysRequest, type RevealKeysRequest,
} from '@cardshop/contracts';
import { Inbox, Outbox, type JetStreamContext } from '@cardshop/messaging';
import { AppError, badRequest, conflict, isUuid, notFound, queryRows } from '@cardshop/platform';
import { CardKeyCipher } from '../card-keys/card-key.cipher';
import { LowStockAlerts } from '../card-keys/low-stock';
import { Coupons } from '../coupons/coupons';
import { CATALOG_CONFIG, type CatalogConfig } from '../catalog.config';
import { assertUuid } from '../products/products.controller';

interface Reserved {
  seller_id: string; title: string; unit_price: string; currency: string; min_quantity: number; max_quantity: number; got: string; expires_at: Date;
  per_buyer_limit: number; watch_stock: boolean; existing: boolean; countries: string[]; loop: boolean; discount_minor: string; coupon_code: string | null;
}

/**
 * Keys are reserved when an order is placed (so a paid order always has its keys), sold when the
 * order is paid (orders asks), released when it expires. A sold key belongs to that order forever.
 */
/**
 * Sells a still-held reservation in one statement: if it holds exactly its quantity of reserved
 * keys (or a loop key) and passes `check` (more conditions on `res`, the reservation row), its
 * keys and the reservation become sold. Returns a row only if it sold. `$1` is the order id.
 */
const sellReservedSql = (check = '') => `WITH res AS (SELECT product_id, quantity, loop_key_id FROM reservations WHERE order_id = $1 AND status = 'reserved' FOR UPDATE),
       ok AS (SELECT 1 FROM res WHERE (res.loop_key_id IS NOT NULL
              OR (SELECT count(*) FROM card_keys WHERE order_id = $1 AND status = 'reserved') = res.quantity)${check}),
       k AS (UPDATE card_keys SET status = 'sold', sold_at = now(), reserved_until = NULL
             WHERE order_id = $1 AND status = 'reserved' AND EXISTS (SELECT 1 FROM ok) RETURNING id, secret)
       UPDATE reservations SET status = 'sold' WHERE order_id = $1 AND status = 'reserved' AND EXISTS (SELECT 1 FROM ok)
       RETURNING order_id,
         -- The keys just sold, ordered as RevealKeys orders them; a loop key stays on the shelf and is the one key.
         COALESCE((SELECT array_agg(secret ORDER BY id) FROM k), ARRAY(SELECT secret FROM card_keys WHERE id = (SELECT loop_key_id FROM res))) AS secrets`;

/** What the selling statement returns: the keys it sold, encrypted. */
interface SoldRow { order_id: string; secrets: Buffer[] }

@Controller()
export class ReservationsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: Outbox,
    private readonly inbox: Inbox,
    @Inject(CardKeyCipher) private readonly cipher: CardKeyCipher,
    @Inject(CATALOG_CONFIG) private readonly config: CatalogConfig,
    private readonly lowStock: LowStockAlerts,
    private readonly coupons: Coupons,
  ) {}

  @MessagePattern(patternOfMethod(CatalogService.method.reserveKeys))
  async reserve(@Payload() req: ReserveKeysRequest) {
    assertUuid(req.productId, 'product');
    let r: Reserved;
    if (!req.couponCode) {
      r = await this.reserveIn(this.db, req);
    } else {
      // Keys and the coupon use together, or neither.
      r = await this.db.transaction(async (em) => {
        const got = await this.reserveIn(em, req);
        if (got.existing) return got;
        const total = BigInt(got.unit_price) * BigInt(req.quantity);
        const used = await this.coupons.use(em, { orderId: req.orderId, sellerId: got.seller_id, productId: req.productId, code: req.couponCode, total, currency: got.currency });
        return { ...got, discount_minor: used.discount.toString(), coupon_code: used.code };
      });
    }
    if (r.watch_stock) await this.db.transaction((em) => this.lowStock.check(em, req.productId));
    const unit = BigInt(r.unit_price);
    const discount = BigInt(r.discount_minor);
    return create(ReserveKeysResponseSchema, {
      perBuyerLimit: r.per_buyer_limit,
      discount: { minorAmount: discount, currency: r.currency },
      couponCode: r.coupon_code ?? '',
      unitPrice: { minorAmount: unit, currency: r.currency },
      total: { minorAmount: unit * BigInt(req.quantity) - discount, currency: r.currency },
      sellerId: r.seller_id,
      productTitle: r.title,
      expiresAtMs: BigInt(new Date(r.expires_at).getTime()),
    });
  }

  /**
   * One statement, all or nothing: pick available keys without waiting on other buyers' locks,
   * reserve them only if there are enough, price them at the volume tier the quantity reaches,
   * and record the reservation (idempotent per order: a retry finds the existing row).
   */
  private async reserveIn(db: DataSource | EntityManager, req: ReserveKeysRequest): Promise<Reserved> {
    const ttl = req.ttlSeconds > 0n ? Number(req.ttlSeconds) : this.config.RESERVATION_TTL_SECONDS;
    const rows: Reserved[] = await db.query(
      `WITH p AS (
         SELECT id, seller_id, title, currency, min_quantity, max_quantity, per_buyer_limit, countries,
                low_stock_threshold > 0 AND NOT low_stock_alerted AS watch_stock,
                -- The highest volume tier the quantity reaches, else the list price.
                COALESCE((SELECT (t->>'unitPriceMinor')::bigint FROM jsonb_array_elements(wholesale) t
                          WHERE (t->>'fromQuantity')::int <= $2 ORDER BY (t->>'fromQuantity')::int DESC LIMIT 1), price_minor) AS unit_price
         FROM products WHERE id = $1 AND active),
       existing AS (SELECT quantity FROM reservations WHERE order_id = $3),
       eligible AS (
         SELECT NOT EXISTS (SELECT 1 FROM existing) AND $2 BETWEEN p.min_quantity AND p.max_quantity
                AND (cardinality(p.countries) = 0 OR $5::text = ANY (p.countries)) AS yes FROM p),
       -- A loop product sells its oldest loop key, one per order, and locks no key row.
       loopk AS (SELECT k.id FROM card_keys k WHERE k.product_id = $1 AND k.status = 'available' AND k.loop ORDER BY k.id LIMIT 1),
       picked AS (
         SELECT k.id FROM card_keys k WHERE k.product_id = $1 AND k.status = 'available' AND NOT k.loop
           AND (SELECT yes FROM eligible) AND NOT EXISTS (SELECT 1 FROM loopk)
         ORDER BY k.id LIMIT $2 FOR UPDATE SKIP LOCKED),
       enough AS (SELECT (SELECT count(*) FROM picked) = $2 OR ((SELECT yes FROM eligible) AND EXISTS (SELECT 1 FROM loopk) AND $2 = 1) AS yes),
       upd AS (
         UPDATE card_keys k SET status = 'reserved', order_id = $3, reserved_until = now() + make_interval(secs => $4)
         FROM picked WHERE k.id = picked.id AND (SELECT count(*) FROM picked) = $2 RETURNING k.id),
       res AS (
         INSERT INTO reservations (order_id, product_id, quantity, unit_price_minor, currency, expires_at, loop_key_id)
         SELECT $3, p.id, $2, p.unit_price, p.currency, now() + make_interval(secs => $4), (SELECT id FROM loopk) FROM p
         WHERE (SELECT yes FROM enough)
         ON CONFLICT (order_id) DO NOTHING RETURNING expires_at)
       SELECT p.seller_id, p.title, COALESCE((SELECT unit_price_minor FROM reservations WHERE order_id = $3), p.unit_price) AS unit_price, p.currency,
              p.min_quantity, p.max_quantity, p.per_buyer_limit, p.watch_stock, p.countries,
              COALESCE((SELECT quantity FROM existing), CASE WHEN EXISTS (SELECT 1 FROM loopk) THEN LEAST($2, 1) ELSE (SELECT count(*) FROM picked) END) AS got,
              EXISTS (SELECT 1 FROM loopk) AS loop,
              COALESCE((SELECT expires_at FROM res), (SELECT expires_at FROM reservations WHERE order_id = $3)) AS expires_at,
              EXISTS (SELECT 1 FROM existing) AS existing,
              COALESCE((SELECT discount_minor FROM reservations WHERE order_id = $3), 0) AS discount_minor,
              (SELECT coupon_code FROM reservations WHERE order_id = $3) AS coupon_code
       FROM p`,
      [req.productId, req.quantity, req.orderId, ttl, req.country.toUpperCase()],
    );
    if (rows.length === 0) throw notFound('PRODUCT.NOT_FOUND', 'no such product on sale');
    const r = rows[0];
    if (r.countries.length > 0 && !r.existing && !r.countries.includes(req.country.toUpperCase())) {
      if (!req.country) throw badRequest('ORDER.COUNTRY_REQUIRED', `this product is sold only in ${r.countries.join(', ')}: say which country you buy from`, { countries: r.countries });
      throw new AppError('PRODUCT.NOT_SOLD_IN_COUNTRY', `this product is not sold in ${req.country.toUpperCase()}`, 403, false, { countries: r.countries });
    }
    if (r.loop && req.quantity !== 1 && !r.existing) throw badRequest('ORDER.INVALID_QUANTITY', 'this product sells one (loop) key per order', { min: 1, max: 1 });
    if (req.quantity < r.min_quantity || req.quantity > r.max_quantity) {
      throw badRequest('ORDER.INVALID_QUANTITY', `quantity must be between ${r.min_quantity} and ${r.max_quantity}`, { min: r.min_quantity, max: r.max_quantity });
    }
    if (Number(r.got) < req.quantity || !r.expires_at) {
      // Nothing was reserved: nobody gets half an order.
      throw new AppError('PRODUCT.INSUFFICIENT_STOCK', `only ${r.got} key(s) available`, 409, false, { available: Number(r.got) });
    }
    return r;
  }

  @MessagePattern(patternOfMethod(CatalogService.method.releaseKeys))
  async releaseRpc(@Payload() req: ReleaseKeysRequest) {
    const released = await this.db.transaction((em) => this.release(em, req.orderId));
    return create(ReleaseKeysResponseSchema, { released });
  }

  /** An expired order gives its keys back to the shelf (never keys already sold). */
  @EventPattern(patternOfEvent(OrderExpiredSchema))
  async onOrderExpired(@Payload() evt: OrderExpired, @Ctx() ctx: JetStreamContext) {
    await this.inbox.runOnce(this.db, ctx, (em) => this.release(em, evt.orderId));
  }

  /** So does a cancelled one. */
  @EventPattern(patternOfEvent(OrderCancelledSchema))
  async onOrderCancelled(@Payload() evt: OrderCancelled, @Ctx() ctx: JetStreamContext) {
    await this.inbox.runOnce(this.db, ctx, (em) => this.release(em, evt.orderId));
  }

  /**
   * A paid order's reserved keys become sold to it, once: a repeated call answers the same.
   * A released reservation (paid after expiry) fails with RESERVATION.NOT_RESERVED, or with
   * `takeFromStock` is sold fresh keys from the shelf, all or nothing (PRODUCT.INSUFFICIENT_STOCK).
   */
  @MessagePattern(patternOfMethod(CatalogService.method.sellKeys))
  async sell(@Payload() req: SellKeysRequest) {
    assertUuid(req.orderId, 'order');
    const known = await this.sellKnown(req);
    if (known) return known;
    const done = await this.sellReserved(req.orderId);
    if (done) return done;
    return this.db.transaction(async (em) => {
      const rows: { product_id: string; quantity: number; seller_id: string; status: string; sold: string }[] = await em.query(
        `WITH r AS (UPDATE reservations SET status = 'sold' WHERE order_id = $1 AND status = 'reserved' RETURNING product_id, quantity, status, loop_key_id),
         k AS (UPDATE card_keys SET status = 'sold', sold_at = now(), reserved_until = NULL WHERE order_id = $1 AND status = 'reserved' RETURNING id),
         cur AS (SELECT product_id, quantity, status FROM r UNION ALL SELECT product_id, quantity, status FROM reservations WHERE order_id = $1 AND NOT EXISTS (SELECT 1 FROM r))
         SELECT cur.product_id, cur.quantity, cur.status, p.seller_id,
                -- A loop key is sold to the order without leaving the shelf.
                CASE WHEN (SELECT loop_key_id FROM r) IS NOT NULL THEN (SELECT quantity FROM r) ELSE (SELECT count(*) FROM k) END AS sold
         FROM cur JOIN products p ON p.id = cur.product_id`,
        [req.orderId],
      );
      let r = rows[0];
      if (!r) throw notFound('RESERVATION.NOT_FOUND', `order ${req.orderId} has no reservation`);
      if (r.status === 'released' && req.takeFromStock) r = await this.sellFromStock(em, req.orderId, r);
      if (r.status !== 'sold') throw conflict('RESERVATION.NOT_RESERVED', `order ${req.orderId} was paid but its keys were released`);
      const justSold = Number(r.sold);
      if (justSold > 0) {
        if (justSold !== r.quantity) throw new AppError('RESERVATION.KEY_COUNT_MISMATCH', `order ${req.orderId} reserved ${r.quantity} keys but ${justSold} were found`, 500);
        await this.outbox.enqueue(em, patternOfEvent(KeysSoldSchema), create(KeysSoldSchema, { orderId: req.orderId, productId: r.product_id, sellerId: r.seller_id, quantity: r.quantity }));
      }
      return create(SellKeysResponseSchema, { productId: r.product_id, sellerId: r.seller_id, quantity: r.quantity });
    });
  }

  /**
   * The usual case in one round trip, when the caller names the order's product, seller and
   * quantity: they are checked against the still-held reservation in the statement that sells it
   * and writes `KeysSold`. `undefined` when they were not given or the statement changed nothing
   * (already sold, released, not matching): the paths below then answer.
   */
  private async sellKnown(req: SellKeysRequest) {
    if (!req.productId || !req.sellerId || req.quantity <= 0 || !isUuid(req.productId) || !isUuid(req.sellerId)) return undefined;
    const sold = await this.outbox.withEvents<SoldRow>(
      this.db,
      sellReservedSql(' AND res.product_id = $2 AND res.quantity = $3 AND EXISTS (SELECT 1 FROM products WHERE id = $2 AND seller_id = $4)'),
      [req.orderId, req.productId, req.quantity, req.sellerId],
      [{ pattern: patternOfEvent(KeysSoldSchema), data: create(KeysSoldSchema, { orderId: req.orderId, productId: req.productId, sellerId: req.sellerId, quantity: req.quantity }) }],
    );
    return sold.length > 0 ? this.soldAnswer(req.productId, req.sellerId, req.quantity, sold[0]) : undefined;
  }

  /** The answer of a call that just sold the order its keys: with the keys, decrypted. */
  private soldAnswer(productId: string, sellerId: string, quantity: number, sold: SoldRow) {
    return create(SellKeysResponseSchema, { productId, sellerId, quantity, keys: sold.secrets.map((s) => this.cipher.decrypt(s)) });
  }

  /**
   * The usual case in two round trips and no explicit transaction: read the reservation (its
   * product, quantity and seller never change), then, if it is still reserved and holds exactly its
   * quantity of reserved keys, sell them and write `KeysSold` in one statement. A repeated call for
   * a sold reservation answers from the read. Anything else — released, missing, a key count that
   * does not add up, or a race lost to a release — returns `undefined` for the general path.
   */
  private async sellReserved(orderId: string) {
    const [r] = await queryRows<{ product_id: string; quantity: number; status: string; seller_id: string }>(this.db,
      `SELECT r.product_id, r.quantity, r.status, p.seller_id FROM reservations r JOIN products p ON p.id = r.product_id WHERE r.order_id = $1`,
      [orderId],
    );
    if (r?.status === 'sold') return create(SellKeysResponseSchema, { productId: r.product_id, sellerId: r.seller_id, quantity: r.quantity });
    if (r?.status !== 'reserved') return undefined;
    const sold = await this.outbox.withEvents<SoldRow>(
      this.db,
      sellReservedSql(),
      [orderId],
      [{ pattern: patternOfEvent(KeysSoldSchema), data: create(KeysSoldSchema, { orderId, productId: r.product_id, sellerId: r.seller_id, quantity: r.quantity }) }],
    );
    return sold.length > 0 ? this.soldAnswer(r.product_id, r.seller_id, r.quantity, sold[0]) : undefined;
  }

  /** Sells a released reservation's quantity from the shelf, all or nothing, oldest keys first. */
  private async sellFromStock<T extends { product_id: string; quantity: number; status: string; sold: string }>(em: EntityManager, orderId: string, r: T): Promise<T> {
    const rows: { sold: string }[] = await em.query(
      `WITH loopk AS (SELECT id FROM card_keys WHERE product_id = $2 AND status = 'available' AND loop ORDER BY id LIMIT 1),
       picked AS (
         SELECT id FROM card_keys WHERE product_id = $2 AND status = 'available' AND NOT loop AND NOT EXISTS (SELECT 1 FROM loopk)
         ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED),
       enough AS (SELECT (SELECT count(*) FROM picked) = $3 OR (EXISTS (SELECT 1 FROM loopk) AND $3 = 1) AS yes),
       k AS (
         UPDATE card_keys k SET status = 'sold', order_id = $1, sold_at = now(), reserved_until = NULL
         FROM picked WHERE k.id = picked.id AND (SELECT count(*) FROM picked) = $3 RETURNING k.id),
       res AS (
         UPDATE reservations SET status = 'sold', loop_key_id = (SELECT id FROM loopk)
         WHERE order_id = $1 AND status = 'released' AND (SELECT yes FROM enough) RETURNING order_id)
       SELECT CASE WHEN EXISTS (SELECT 1 FROM res) THEN $3 ELSE 0 END AS sold`,
      [orderId, r.product_id, r.quantity],
    );
    const sold = Number(rows[0].sold);
    if (sold < r.quantity) {
      throw new AppError('PRODUCT.INSUFFICIENT_STOCK', `order ${orderId} needs ${r.quantity} key(s); fewer are available`, 409, false, { needed: r.quantity });
    }
    await this.lowStock.check(em, r.product_id);
    return { ...r, status: 'sold', sold: String(sold) };
  }

  /** Decrypts the keys sold to an order; callers (orders) check that the buyer owns the order. */
  @MessagePattern(patternOfMethod(CatalogService.method.revealKeys))
  async reveal(@Payload() req: RevealKeysRequest) {
    const rows: { secret: Buffer }[] = await this.db.query(
      `SELECT secret FROM (
         SELECT id, secret FROM card_keys WHERE order_id = $1 AND status = 'sold'
         UNION ALL
         SELECT k.id, k.secret FROM reservations r JOIN card_keys k ON k.id = r.loop_key_id WHERE r.order_id = $1 AND r.status = 'sold') s
       ORDER BY id`,
      [req.orderId],
    );
    return create(RevealKeysResponseSchema, { keys: rows.map((r) => this.cipher.decrypt(r.secret)) });
  }

  private async release(em: EntityManager, orderId: string): Promise<number> {
    const rows: { product_id: string; released: string }[] = await em.query(
      `WITH r AS (UPDATE reservations SET status = 'released' WHERE order_id = $1 AND status = 'reserved' RETURNING product_id),
       k AS (UPDATE card_keys SET status = 'available', order_id = NULL, reserved_until = NULL WHERE order_id = $1 AND status = 'reserved' RETURNING id)
       SELECT r.product_id, (SELECT count(*) FROM k) AS released FROM r`,
      [orderId],
    );
    if (rows.length === 0) return 0;
    await this.coupons.giveBack(em, orderId);
    const released = Number(rows[0].released);
    await this.outbox.enqueue(em, patternOfEvent(KeysReleasedSchema), create(KeysReleasedSchema, { orderId, productId: rows[0].product_id, quantity: released }));
    return released;
  }
}
