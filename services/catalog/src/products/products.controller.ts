import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import {
  CatalogService, patternOfMethod, ProductSchema,
  CreateProductResponseSchema, GetProductResponseSchema, GetProductStockResponseSchema, ListProductsResponseSchema,
  type CreateProductRequest, type GetProductRequest, type GetProductStockRequest,
} from '@cardshop/contracts';
import { badRequest, notFound, isUuid } from '@cardshop/platform';

interface ProductRow {
  id: string; seller_id: string; title: string; description: string; price_minor: string; currency: string;
  min_quantity: number; max_quantity: number; countries: string[]; stock: string;
}

const SELECT_PRODUCTS = `
  SELECT p.*, (SELECT count(*) FROM card_keys k WHERE k.product_id = p.id AND k.status = 'available') AS stock
  FROM products p WHERE p.active`;

const toProduct = (r: ProductRow) =>
  create(ProductSchema, {
    id: r.id, sellerId: r.seller_id, title: r.title, description: r.description,
    price: { minorAmount: BigInt(r.price_minor), currency: r.currency },
    stock: Number(r.stock), minQuantity: r.min_quantity, maxQuantity: r.max_quantity, countries: r.countries,
  });

export function assertUuid(id: string, what: string): void {
  if (!isUuid(id)) throw notFound(`${what.toUpperCase()}.NOT_FOUND`, `no ${what} with id ${JSON.stringify(id).slice(0, 60)}`);
}

@Controller()
export class ProductsController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @MessagePattern(patternOfMethod(CatalogService.method.createProduct))
  async createProduct(@Payload() req: CreateProductRequest) {
    const title = req.title.trim();
    if (!title || title.length > 200) throw badRequest('PRODUCT.INVALID_TITLE', 'title must be 1 to 200 characters');
    const price = req.price;
    if (!price || price.minorAmount <= 0n || price.minorAmount > BigInt(Number.MAX_SAFE_INTEGER)) throw badRequest('PRODUCT.INVALID_PRICE', 'price must be a positive integer amount in minor units');
    const seller: { currency: string }[] = await this.db.query('SELECT currency FROM sellers WHERE id = $1', [req.sellerId]);
    if (seller.length === 0) throw notFound('SELLER.NOT_FOUND', 'no such seller');
    const currency = (price.currency || seller[0].currency).toUpperCase();
    const min = req.minQuantity || 1;
    const max = req.maxQuantity || Math.max(10, min);
    if (min < 1 || max < min || max > 1000) throw badRequest('PRODUCT.INVALID_QUANTITY_LIMITS', 'need 1 <= minQuantity <= maxQuantity <= 1000');
    const countries = req.countries.map((c) => c.toUpperCase());
    if (countries.some((c) => !/^[A-Z]{2}$/.test(c))) throw badRequest('PRODUCT.INVALID_COUNTRIES', 'countries must be ISO 3166 alpha-2 codes');
    const id = randomUUID();
    await this.db.query(
      'INSERT INTO products (id, seller_id, title, description, price_minor, currency, min_quantity, max_quantity, countries) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
      [id, req.sellerId, title, req.description ?? '', price.minorAmount, currency, min, max, countries],
    );
    return create(CreateProductResponseSchema, { productId: id });
  }

  @MessagePattern(patternOfMethod(CatalogService.method.listProducts))
  async list() {
    const rows: ProductRow[] = await this.db.query(`${SELECT_PRODUCTS} ORDER BY p.created_at, p.id LIMIT 500`);
    return create(ListProductsResponseSchema, { items: rows.map(toProduct) });
  }

  @MessagePattern(patternOfMethod(CatalogService.method.getProduct))
  async get(@Payload() req: GetProductRequest) {
    assertUuid(req.productId, 'product');
    const rows: ProductRow[] = await this.db.query(`${SELECT_PRODUCTS} AND p.id = $1`, [req.productId]);
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
    const owned: unknown[] = rows.length ? rows : await this.db.query('SELECT 1 FROM products WHERE id = $1 AND seller_id = $2', [req.productId, req.sellerId]);
    if (owned.length === 0) throw notFound('PRODUCT.NOT_FOUND', 'no such product for this seller');
    const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return create(GetProductStockResponseSchema, { productId: req.productId, stock: n('available'), reserved: n('reserved'), sold: n('sold') });
  }
}
