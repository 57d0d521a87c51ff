import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import {
  CatalogService, patternOfMethod, ProductSchema,
  CreateProductResponseSchema, GetProductResponseSchema, GetProductStockResponseSchema, ListProductsResponseSchema, UpdateProductResponseSchema,
  type CreateProductRequest, type GetProductRequest, type GetProductStockRequest, type UpdateProductRequest, type WholesaleTier,
} from '@cardshop/contracts';
import { badRequest, notFound, isUuid, queryRows } from '@cardshop/platform';

interface ProductRow {
  id: string; seller_id: string; title: string; description: string; price_minor: string; currency: string;
  min_quantity: number; max_quantity: number; countries: string[]; stock: string; per_buyer_limit: number;
  wholesale: StoredTier[]; low_stock_threshold: number; active: boolean; loop: boolean;
}

/** A volume price as stored in `products.wholesale`. */
export interface StoredTier { fromQuantity: number; unitPriceMinor: string }

const PRODUCT_COLUMNS = `p.id, p.seller_id, p.title, p.description, p.price_minor, p.currency, p.min_quantity, p.max_quantity, p.countries,
  p.per_buyer_limit, p.wholesale, p.low_stock_threshold, p.active,
  -- Two counts, each along its own partial index (regular keys, loop keys).
  (SELECT count(*) FROM card_keys k WHERE k.product_id = p.id AND k.status = 'available' AND NOT k.loop)
    + (SELECT count(*) FROM card_keys k WHERE k.product_id = p.id AND k.status = 'available' AND k.loop) AS stock,
  EXISTS (SELECT 1 FROM card_keys k WHERE k.product_id = p.id AND k.status = 'available' AND k.loop) AS loop`;

const toProduct = (r: ProductRow) =>
  create(ProductSchema, {
    id: r.id, sellerId: r.seller_id, title: r.title, description: r.description,
    price: { minorAmount: BigInt(r.price_minor), currency: r.currency },
    stock: Number(r.stock), minQuantity: r.min_quantity, maxQuantity: r.max_quantity, countries: r.countries,
    perBuyerLimit: r.per_buyer_limit, lowStockThreshold: r.low_stock_threshold, active: r.active, loop: r.loop,
    wholesale: r.wholesale.map((t) => ({ fromQuantity: t.fromQuantity, unitPrice: { minorAmount: BigInt(t.unitPriceMinor), currency: r.currency } })),
  });

export function assertUuid(id: string, what: string): void {
  if (!isUuid(id)) throw notFound(`${what.toUpperCase()}.NOT_FOUND`, `no ${what} with id ${JSON.stringify(id).slice(0, 60)}`);
}

/** A seller acts only on their own products; another's answers exactly like a missing one. */
export async function assertOwnProduct(db: Pick<DataSource, 'query'>, productId: string, sellerId: string): Promise<void> {
  assertUuid(productId, 'product');
  const owned: unknown[] = await db.query('SELECT 1 FROM products WHERE id = $1 AND seller_id = $2', [productId, sellerId]);
  if (owned.length === 0) throw notFound('PRODUCT.NOT_FOUND', 'no such product for this seller');
}

const MAX_PRICE = BigInt(Number.MAX_SAFE_INTEGER);

function checkTitle(raw: string): string {
  const title = raw.trim();
  if (!title || title.length > 200) throw badRequest('PRODUCT.INVALID_TITLE', 'title must be 1 to 200 characters');
  return title;
}

function checkPrice(minor: bigint): void {
  if (minor <= 0n || minor > MAX_PRICE) throw badRequest('PRODUCT.INVALID_PRICE', 'price must be a positive integer amount in minor units');
}

function checkCountries(raw: string[]): string[] {
  const countries = raw.map((c) => c.toUpperCase());
  if (countries.some((c) => !/^[A-Z]{2}$/.test(c))) throw badRequest('PRODUCT.INVALID_COUNTRIES', 'countries must be ISO 3166 alpha-2 codes');
  return [...new Set(countries)];
}

function checkLimits(min: number, max: number, perBuyer: number, threshold: number): void {
  if (min < 1 || max < min || max > 1000) throw badRequest('PRODUCT.INVALID_QUANTITY_LIMITS', 'need 1 <= minQuantity <= maxQuantity <= 1000');
  if (perBuyer < 0 || perBuyer > 100_000 || (perBuyer > 0 && perBuyer < min)) throw badRequest('PRODUCT.INVALID_PER_BUYER_LIMIT', 'perBuyerLimit must be 0 (none) or at least minQuantity');
  if (threshold < 0 || threshold > 1_000_000) throw badRequest('PRODUCT.INVALID_LOW_STOCK_THRESHOLD', 'lowStockThreshold must be 0 (off) or a positive number of keys');
}

/**
 * Volume prices must make sense to a buyer: each tier starts at a larger quantity than the one
 * before and costs less per key, all below the list price, in the product's currency.
 */
export function checkWholesale(tiers: WholesaleTier[], listPrice: bigint, currency: string): StoredTier[] {
  if (tiers.length > 10) throw badRequest('PRODUCT.INVALID_WHOLESALE', 'at most 10 wholesale tiers');
  const out: StoredTier[] = [];
  let prevQty = 1;
  let prevPrice = listPrice;
  for (const t of [...tiers].sort((a, b) => a.fromQuantity - b.fromQuantity)) {
    const price = t.unitPrice?.minorAmount ?? 0n;
    if (t.unitPrice?.currency && t.unitPrice.currency.toUpperCase() !== currency) throw badRequest('PRODUCT.INVALID_WHOLESALE', `wholesale prices must be in ${currency}`);
    if (!Number.isInteger(t.fromQuantity) || t.fromQuantity <= prevQty) throw badRequest('PRODUCT.INVALID_WHOLESALE', 'each tier needs a distinct fromQuantity of at least 2');
    if (price <= 0n || price >= prevPrice) throw badRequest('PRODUCT.INVALID_WHOLESALE', 'each tier must cost less per key than the list price and the tier before it');
    out.push({ fromQuantity: t.fromQuantity, unitPriceMinor: price.toString() });
    prevQty = t.fromQuantity;
    prevPrice = price;
  }
  return out;
}

@Controller()
export class ProductsController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @MessagePattern(patternOfMethod(CatalogService.method.createProduct))
  async createProduct(@Payload() req: CreateProductRequest) {
    const title = checkTitle(req.title);
    const price = req.price;
    if (!price) throw badRequest('PRODUCT.INVALID_PRICE', 'price is required');
    checkPrice(price.minorAmount);
    const seller: { currency: string }[] = await this.db.query('SELECT currency FROM sellers WHERE id = $1', [req.sellerId]);
    if (seller.length === 0) throw notFound('SELLER.NOT_FOUND', 'no such seller');
    const currency = (price.currency || seller[0].currency).toUpperCase();
    const min = req.minQuantity || 1;
    const max = req.maxQuantity || Math.max(10, min);
    checkLimits(min, max, req.perBuyerLimit, req.lowStockThreshold);
    const countries = checkCountries(req.countries);
    const wholesale = checkWholesale(req.wholesale, price.minorAmount, currency);
    const id = randomUUID();
    await this.db.query(
      `INSERT INTO products (id, seller_id, title, description, price_minor, currency, min_quantity, max_quantity, countries, per_buyer_limit, wholesale, low_stock_threshold)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
      [id, req.sellerId, title, req.description ?? '', price.minorAmount, currency, min, max, countries, req.perBuyerLimit, JSON.stringify(wholesale), req.lowStockThreshold],
    );
    return create(CreateProductResponseSchema, { productId: id });
  }

  /** Changes what is given, checked against what stays; only the seller's own product. */
  @MessagePattern(patternOfMethod(CatalogService.method.updateProduct))
  async update(@Payload() req: UpdateProductRequest) {
    assertUuid(req.productId, 'product');
    return this.db.transaction(async (em) => {
      const rows: ProductRow[] = await em.query(`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.id = $1 AND p.seller_id = $2 FOR UPDATE OF p`, [req.productId, req.sellerId]);
      if (rows.length === 0) throw notFound('PRODUCT.NOT_FOUND', 'no such product for this seller');
      const cur = rows[0];
      if (req.price) {
        checkPrice(req.price.minorAmount);
        if (req.price.currency && req.price.currency.toUpperCase() !== cur.currency) throw badRequest('PRODUCT.INVALID_PRICE', `the price must stay in ${cur.currency}`);
      }
      const listPrice = req.price?.minorAmount ?? BigInt(cur.price_minor);
      const next = {
        title: req.title !== undefined ? checkTitle(req.title) : cur.title,
        description: req.description !== undefined ? req.description : cur.description,
        min: req.minQuantity ?? cur.min_quantity,
        max: req.maxQuantity ?? cur.max_quantity,
        perBuyer: req.perBuyerLimit ?? cur.per_buyer_limit,
        threshold: req.lowStockThreshold ?? cur.low_stock_threshold,
        countries: req.setCountries ? checkCountries(req.countries) : cur.countries,
        wholesale: req.setWholesale
          ? checkWholesale(req.wholesale, listPrice, cur.currency)
          : checkWholesale(cur.wholesale.map((t) => ({ fromQuantity: t.fromQuantity, unitPrice: { minorAmount: BigInt(t.unitPriceMinor), currency: cur.currency } }) as WholesaleTier), listPrice, cur.currency),
        active: req.active ?? cur.active,
      };
      if (next.description.length > 5000) throw badRequest('PRODUCT.INVALID_DESCRIPTION', 'description must be at most 5000 characters');
      checkLimits(next.min, next.max, next.perBuyer, next.threshold);
      const [updated] = await queryRows<ProductRow>(
        em,
        `UPDATE products p SET title = $3, description = $4, price_minor = $5, min_quantity = $6, max_quantity = $7, countries = $8, per_buyer_limit = $9,
           wholesale = $10, low_stock_threshold = $11, active = $12, updated_at = now(),
           low_stock_alerted = CASE WHEN $11 <> p.low_stock_threshold THEN false ELSE p.low_stock_alerted END
         WHERE p.id = $1 AND p.seller_id = $2 RETURNING ${PRODUCT_COLUMNS}`,
        [req.productId, req.sellerId, next.title, next.description, listPrice, next.min, next.max, next.countries, next.perBuyer, JSON.stringify(next.wholesale), next.threshold, next.active],
      );
      return create(UpdateProductResponseSchema, { product: toProduct(updated) });
    });
  }

  @MessagePattern(patternOfMethod(CatalogService.method.listProducts))
  async list() {
    const rows: ProductRow[] = await this.db.query(`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.active ORDER BY p.created_at, p.id LIMIT 500`);
    return create(ListProductsResponseSchema, { items: rows.map(toProduct) });
  }

  @MessagePattern(patternOfMethod(CatalogService.method.getProduct))
  async get(@Payload() req: GetProductRequest) {
    assertUuid(req.productId, 'product');
    const rows: ProductRow[] = await this.db.query(`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.active AND p.id = $1`, [req.productId]);
    if (rows.length === 0) throw notFound('PRODUCT.NOT_FOUND', 'no such product');
    return create(GetProductResponseSchema, { product: toProduct(rows[0]) });
  }

  @MessagePattern(patternOfMethod(CatalogService.method.getProductStock))
  async stock(@Payload() req: GetProductStockRequest) {
    assertUuid(req.productId, 'product');
    const rows: { status: string; n: string }[] = await this.db.query(
      `SELECT k.status, count(*) AS n FROM products p JOIN card_keys k ON k.product_id = p.id
       WHERE p.id = $1 AND p.seller_id = $2 GROUP BY k.status`,
      [req.productId, req.sellerId],
    );
    // No key rows: the product may still be theirs, with nothing imported yet.
    if (rows.length === 0) await assertOwnProduct(this.db, req.productId, req.sellerId);
    const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    // Loop keys stay on the shelf: what they sold and hold is counted from the reservations.
    const [loop]: { reserved: string; sold: string }[] = await this.db.query(
      `SELECT COALESCE(sum(quantity) FILTER (WHERE status = 'reserved'), 0) AS reserved, COALESCE(sum(quantity) FILTER (WHERE status = 'sold'), 0) AS sold
       FROM reservations WHERE product_id = $1 AND loop_key_id IS NOT NULL`,
      [req.productId],
    );
    return create(GetProductStockResponseSchema, {
      productId: req.productId, stock: n('available'), reserved: n('reserved') + Number(loop.reserved), sold: n('sold') + Number(loop.sold),
    });
  }
}
