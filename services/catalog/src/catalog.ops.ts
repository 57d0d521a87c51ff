import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OpsRegistry, type OpsSection } from '@cardshop/platform';

/**
 * The catalog's dashboard: stock per product and seller, products running low, recent imports
 * and reservations. Never shows a card key.
 */
@Injectable()
export class CatalogOps implements OnModuleInit {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly ops: OpsRegistry) {}

  onModuleInit(): void {
    this.ops.add(this);
  }

  async sections(): Promise<OpsSection[]> {
    const [counts] = await this.db.query(`SELECT
      (SELECT count(*) FROM sellers) AS sellers, (SELECT count(*) FROM products) AS products,
      (SELECT count(*) FROM card_keys WHERE status = 'available') AS available,
      (SELECT count(*) FROM card_keys WHERE status = 'reserved') AS reserved,
      (SELECT count(*) FROM card_keys WHERE status = 'sold') AS sold,
      (SELECT count(*) FROM card_keys WHERE status = 'withdrawn') AS withdrawn`);
    const stock = await this.db.query(`SELECT s.name AS seller, p.title, p.active, p.price_minor, p.currency,
        count(k.id) FILTER (WHERE k.status = 'available') AS available, count(k.id) FILTER (WHERE k.status = 'reserved') AS reserved,
        count(k.id) FILTER (WHERE k.status = 'sold') AS sold, p.low_stock_threshold
      FROM products p JOIN sellers s ON s.id = p.seller_id LEFT JOIN card_keys k ON k.product_id = p.id
      GROUP BY s.name, p.id ORDER BY s.name, p.created_at DESC LIMIT 100`);
    const low = stock.filter((r: { low_stock_threshold: number; available: string; active: boolean }) => r.active && r.low_stock_threshold > 0 && Number(r.available) < r.low_stock_threshold);
    const imports = await this.db.query(`SELECT b.created_at, s.name AS seller, p.title, b.imported, b.duplicates,
        (SELECT count(*) FROM card_keys k WHERE k.batch_id = b.id AND k.status = 'withdrawn') AS withdrawn
      FROM key_batches b JOIN products p ON p.id = b.product_id JOIN sellers s ON s.id = p.seller_id ORDER BY b.created_at DESC LIMIT 20`);
    const recent = await this.db.query(`SELECT order_id, product_id, quantity, status, expires_at FROM reservations ORDER BY created_at DESC LIMIT 20`);
    return [
      { title: 'Inventory', kind: 'figures', figures: counts },
      { title: 'Low stock', kind: 'table', rows: low.map(({ seller, title, available, low_stock_threshold }: Record<string, unknown>) => ({ seller, title, available, threshold: low_stock_threshold })) },
      { title: 'Stock per product and seller', kind: 'table', rows: stock },
      { title: 'Recent imports', kind: 'table', rows: imports },
      { title: 'Latest reservations', kind: 'table', rows: recent },
    ];
  }
}
