import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { CatalogService, OrderPlacedSchema, OrdersService, patternOfEvent, patternOfMethod, PlaceOrderResponseSchema, type PlaceOrderRequest } from '@cardshop/contracts';
import { Outbox, TypedRpc } from '@cardshop/messaging';
import { badRequest, conflict, isUuid } from '@cardshop/platform';
import { AccessTokens } from './access-token';
import { hashQueryPassword } from './query-password';
import { ORDER_COLUMNS, toOrder, type OrderRow } from '../order-row';
import { ORDERS_CONFIG, type OrdersConfig } from '../orders.config';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/;

/**
 * Places an order: keys are reserved at the catalog first (so an order that exists always has its
 * keys), then the order and its `OrderPlaced` event commit together. Same Idempotency-Key and same
 * body → the same order; same key with another body → 409.
 */
@Controller()
export class PlaceOrderController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: Outbox,
    private readonly rpc: TypedRpc,
    private readonly tokens: AccessTokens,
    @Inject(ORDERS_CONFIG) private readonly config: OrdersConfig,
  ) {}

  @MessagePattern(patternOfMethod(OrdersService.method.placeOrder))
  async place(@Payload() req: PlaceOrderRequest) {
    this.validate(req);
    const requestHash = createHash('sha256').update(JSON.stringify([req.productId, req.quantity, req.email.toLowerCase(), req.country, req.queryPassword, req.couponCode.trim().toUpperCase()])).digest('base64url');
    if (req.idempotencyKey) {
      const replay = await this.replay(req.idempotencyKey, requestHash);
      if (replay) return replay;
    }
    const orderId = randomUUID();
    const reserved = await this.rpc.call(CatalogService.method.reserveKeys, { orderId, productId: req.productId, quantity: req.quantity, ttlSeconds: BigInt(this.config.ORDER_TTL_SECONDS), couponCode: req.couponCode.trim(), country: req.country });
    const total = reserved.total!;
    const passwordHash = req.queryPassword ? await hashQueryPassword(req.queryPassword) : null;
    try {
      const insert = (db: DataSource | EntityManager) =>
        // The order and `OrderPlaced` in one statement.
        this.outbox.withEvents<OrderRow>(
          db,
          `INSERT INTO orders (id, status, product_id, seller_id, quantity, total_minor, currency, email, country, query_password_hash, idempotency_key, request_hash, expires_at,
             discount_minor, coupon_code)
           VALUES ($1, 'awaiting_payment', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, to_timestamp($12 / 1000.0), $13, $14) RETURNING ${ORDER_COLUMNS}`,
          [orderId, req.productId, reserved.sellerId, req.quantity, total.minorAmount, total.currency, req.email, req.country.toUpperCase(), passwordHash, req.idempotencyKey || null, requestHash, Number(reserved.expiresAtMs),
            reserved.discount?.minorAmount ?? 0n, reserved.couponCode || null],
          [{ pattern: patternOfEvent(OrderPlacedSchema), data: create(OrderPlacedSchema, {
            orderId, productId: req.productId, sellerId: reserved.sellerId, quantity: req.quantity, total, email: req.email, country: req.country.toUpperCase(),
          }) }],
        );
      const rows = reserved.perBuyerLimit > 0
        ? await this.db.transaction(async (em) => {
            await this.assertWithinBuyerLimit(em, req, reserved.perBuyerLimit);
            return insert(em);
          })
        : await insert(this.db);
      return create(PlaceOrderResponseSchema, { order: toOrder(rows[0]), accessToken: this.tokens.issue(orderId) });
    } catch (e) {
      // Lost an idempotency race, or the insert failed: give the keys back before answering.
      await this.rpc.call(CatalogService.method.releaseKeys, { orderId }).catch(() => undefined);
      if ((e as { code?: string }).code === '23505' && req.idempotencyKey) {
        const replay = await this.replay(req.idempotencyKey, requestHash);
        if (replay) return replay;
      }
      throw e;
    }
  }

  /**
   * A product's per-buyer limit counts every order of this email that holds or got keys. Orders
   * of one buyer for one product are serialised by a transaction-scoped advisory lock, so two
   * concurrent orders cannot both slip under the limit.
   */
  private async assertWithinBuyerLimit(em: EntityManager, req: PlaceOrderRequest, limit: number): Promise<void> {
    await em.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`buyer-limit:${req.productId}:${req.email.toLowerCase()}`]);
    const [r]: { bought: string }[] = await em.query(
      `SELECT COALESCE(sum(quantity), 0) AS bought FROM orders
       WHERE product_id = $1 AND lower(email) = lower($2) AND status NOT IN ('expired', 'cancelled', 'refunded')`,
      [req.productId, req.email],
    );
    const bought = Number(r.bought);
    if (bought + req.quantity > limit) {
      throw conflict('ORDER.BUYER_LIMIT_REACHED', `this product is limited to ${limit} key(s) per buyer; you have ${bought}`, { limit, bought });
    }
  }

  private async replay(key: string, requestHash: string) {
    const rows: OrderRow[] = await this.db.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE idempotency_key = $1`, [key]);
    if (rows.length === 0) return undefined;
    if (rows[0].request_hash !== requestHash) throw conflict('IDEMPOTENCY.KEY_REUSED', 'this Idempotency-Key was used with a different request body');
    return create(PlaceOrderResponseSchema, { order: toOrder(rows[0]), accessToken: this.tokens.issue(rows[0].id) });
  }

  private validate(req: PlaceOrderRequest): void {
    if (!isUuid(req.productId)) throw badRequest('ORDER.INVALID_PRODUCT', 'productId must be a product id');
    if (!Number.isInteger(req.quantity) || req.quantity < 1 || req.quantity > 1000) throw badRequest('ORDER.INVALID_QUANTITY', 'quantity must be a whole number from 1 to 1000');
    if (!EMAIL.test(req.email)) throw badRequest('ORDER.INVALID_EMAIL', 'email is not a valid address');
    if (req.queryPassword && (req.queryPassword.length < 8 || req.queryPassword.length > 128)) throw badRequest('ORDER.INVALID_QUERY_PASSWORD', 'queryPassword must be 8 to 128 characters');
    if (req.country && !/^[A-Za-z]{2}$/.test(req.country)) throw badRequest('ORDER.INVALID_COUNTRY', 'country must be an ISO 3166 alpha-2 code');
    if (req.couponCode.length > 64) throw badRequest('COUPON.INVALID_CODE', 'couponCode must be at most 64 characters');
    if (req.idempotencyKey.length > 200) throw badRequest('IDEMPOTENCY.KEY_TOO_LONG', 'Idempotency-Key must be at most 200 characters');
  }
}
