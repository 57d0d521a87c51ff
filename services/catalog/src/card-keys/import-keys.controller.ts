import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { CatalogService, ImportKeysResponseSchema, KeysImportedSchema, patternOfEvent, patternOfMethod, type ImportKeysRequest } from '@cardshop/contracts';
import { Outbox } from '@cardshop/messaging';
import { badRequest, notFound } from '@cardshop/platform';
import { CardKeyCipher } from './card-key.cipher';
import { assertUuid } from '../products/products.controller';

export const MAX_KEYS_PER_IMPORT = 5000;

@Controller()
export class ImportKeysController {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly outbox: Outbox, @Inject(CardKeyCipher) private readonly cipher: CardKeyCipher) {}

  /** Encrypts and stores new keys; a key already held for this product (same fingerprint) counts as a duplicate. */
  @MessagePattern(patternOfMethod(CatalogService.method.importKeys))
  async importKeys(@Payload() req: ImportKeysRequest) {
    assertUuid(req.productId, 'product');
    const keys = req.keys.map((k) => k.trim());
    if (keys.length === 0) throw badRequest('KEYS.EMPTY', 'keys must hold at least one card key');
    if (keys.length > MAX_KEYS_PER_IMPORT) throw badRequest('KEYS.TOO_MANY', `at most ${MAX_KEYS_PER_IMPORT} keys per import`);
    if (keys.some((k) => k.length === 0 || k.length > 1000)) throw badRequest('KEYS.INVALID', 'each key must be 1 to 1000 characters');
    const owned: unknown[] = await this.db.query('SELECT 1 FROM products WHERE id = $1 AND seller_id = $2', [req.productId, req.sellerId]);
    if (owned.length === 0) throw notFound('PRODUCT.NOT_FOUND', 'no such product for this seller');
    const batchId = randomUUID();
    const secrets = keys.map((k) => this.cipher.encrypt(k));
    const fingerprints = keys.map((k) => this.cipher.fingerprint(k));
    const imported = await this.db.transaction(async (em) => {
      const rows: unknown[] = await em.query(
        `INSERT INTO card_keys (product_id, batch_id, secret, fingerprint)
         SELECT $1, $2, s, f FROM unnest($3::bytea[], $4::bytea[]) AS t(s, f)
         ON CONFLICT (product_id, fingerprint) DO NOTHING RETURNING id`,
        [req.productId, batchId, secrets, fingerprints],
      );
      if (rows.length > 0) {
        await this.outbox.enqueue(em, patternOfEvent(KeysImportedSchema), create(KeysImportedSchema, { sellerId: req.sellerId, productId: req.productId, batchId, imported: rows.length }));
      }
      return rows.length;
    });
    return create(ImportKeysResponseSchema, { batchId, imported, duplicates: keys.length - imported });
  }
}
