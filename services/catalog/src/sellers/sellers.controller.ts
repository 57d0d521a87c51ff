import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import {
  CatalogService, patternOfEvent, patternOfMethod, SellerApiKeyRotatedSchema, SellerCreatedSchema,
  AuthenticateSellerResponseSchema, CreateSellerResponseSchema, RotateSellerApiKeyResponseSchema,
  type AuthenticateSellerRequest, type CreateSellerRequest, type RotateSellerApiKeyRequest,
} from '@cardshop/contracts';
import { Outbox } from '@cardshop/messaging';
import { badRequest, notFound, unauthorized } from '@cardshop/platform';

/** Seller API keys are shown once; only their SHA-256 is stored (they are random, so no salt is needed). */
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest();

const newApiKey = () => `sk_${randomBytes(24).toString('base64url')}`;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

@Controller()
export class SellersController {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly outbox: Outbox) {}

  @MessagePattern(patternOfMethod(CatalogService.method.createSeller))
  async createSeller(@Payload() req: CreateSellerRequest) {
    const name = req.name.trim();
    if (!name || name.length > 120) throw badRequest('SELLER.INVALID_NAME', 'name must be 1 to 120 characters');
    if (!EMAIL.test(req.email)) throw badRequest('SELLER.INVALID_EMAIL', 'email is not a valid address');
    const currency = (req.currency || 'CNY').toUpperCase();
    if (!/^[A-Z]{3,4}$/.test(currency)) throw badRequest('SELLER.INVALID_CURRENCY', 'currency must be an ISO code or USDT');
    const id = randomUUID();
    const apiKey = newApiKey();
    await this.db.transaction(async (em) => {
      await em.query('INSERT INTO sellers (id, name, email, currency, api_key_hash) VALUES ($1, $2, $3, $4, $5)', [id, name, req.email, currency, hashApiKey(apiKey)]);
      await this.outbox.enqueue(em, patternOfEvent(SellerCreatedSchema), create(SellerCreatedSchema, { sellerId: id, name, currency }));
    });
    return create(CreateSellerResponseSchema, { sellerId: id, apiKey });
  }

  @MessagePattern(patternOfMethod(CatalogService.method.authenticateSeller))
  async authenticate(@Payload() req: AuthenticateSellerRequest) {
    const rows: { id: string; name: string; currency: string }[] = await this.db.query('SELECT id, name, currency FROM sellers WHERE api_key_hash = $1', [hashApiKey(req.apiKey)]);
    if (rows.length === 0) throw unauthorized('SELLER.UNAUTHORIZED', 'the seller API key is not valid');
    return create(AuthenticateSellerResponseSchema, { sellerId: rows[0].id, name: rows[0].name, currency: rows[0].currency });
  }

  /** Replaces the seller's key; only the new key's hash is kept, so the old one fails from now on. */
  @MessagePattern(patternOfMethod(CatalogService.method.rotateSellerApiKey))
  async rotate(@Payload() req: RotateSellerApiKeyRequest) {
    const apiKey = newApiKey();
    const rotated = await this.outbox.withEvents(this.db, 'UPDATE sellers SET api_key_hash = $2 WHERE id = $1 RETURNING id', [req.sellerId, hashApiKey(apiKey)], [
      { pattern: patternOfEvent(SellerApiKeyRotatedSchema), data: create(SellerApiKeyRotatedSchema, { sellerId: req.sellerId }) },
    ]);
    if (rotated.length === 0) throw notFound('SELLER.NOT_FOUND', 'no such seller');
    return create(RotateSellerApiKeyResponseSchema, { apiKey });
  }
}
