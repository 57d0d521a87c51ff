import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OpsRegistry, type OpsSection } from '@cardshop/platform';

/** The catalog's dashboard: stock by state, and the latest reservations. Never shows a card key. */
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
      (SELECT count(*) FROM card_keys WHERE status = 'sold') AS sold`);
    const recent = await this.db.query(`SELECT order_id, product_id, quantity, status, expires_at FROM reservations ORDER BY created_at DESC LIMIT 20`);
    const products = await this.db.query(`SELECT p.title, p.price_minor, p.currency,
      count(*) FILTER (WHERE k.status = 'available') AS available, count(*) FILTER (WHERE k.status = 'sold') AS sold
      FROM products p LEFT JOIN card_keys k ON k.product_id = p.id GROUP BY p.id ORDER BY p.created_at DESC LIMIT 20`);
    return [
      { title: 'Inventory', kind: 'figures', figures: counts },
      { title: 'Products', kind: 'table', rows: products },
      { title: 'Latest reservations', kind: 'table', rows: recent },
    ];
  }
}
