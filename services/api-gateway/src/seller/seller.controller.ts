import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { CatalogService, SettlementService } from '@cardshop/contracts';
import { TypedRpc } from '@cardshop/messaging';
import { OpsGuard, parseInput } from '@cardshop/platform';
import { bearerToken } from '../shared/bearer';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';

const sellerBody = z.object({ name: z.string().min(1).max(120), email: z.string().email(), currency: z.string().regex(/^[A-Za-z]{3,4}$/).optional() }).strict();
const productBody = z.object({
  title: z.string().min(1).max(200),
  description: z.string().max(5000).optional(),
  price: z.object({ minor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), currency: z.string().regex(/^[A-Za-z]{3,4}$/).optional() }).strict(),
  minQuantity: z.number().int().min(1).max(1000).optional(),
  maxQuantity: z.number().int().min(1).max(1000).optional(),
  countries: z.array(z.string().regex(/^[A-Za-z]{2}$/)).max(250).optional(),
}).strict();
const keysBody = z.object({ keys: z.array(z.string().min(1).max(1000)).min(1).max(5000) }).strict();

@Controller('api/v1/ops')
@UseGuards(OpsGuard)
export class OpsApiController {
  constructor(private readonly rpc: TypedRpc) {}

  /** Ops creates a seller; the API key is shown only in this response. */
  @Post('sellers')
  @HttpCode(201)
  async createSeller(@Body() body: unknown) {
    const b = parseInput(sellerBody, body);
    const r = await this.rpc.call(CatalogService.method.createSeller, { name: b.name, email: b.email, currency: (b.currency ?? 'CNY').toUpperCase() });
    return { id: r.sellerId, apiKey: r.apiKey };
  }
}

@Controller('api/v1/seller')
export class SellerController {
  private readonly cache = new Map<string, { sellerId: string; until: number }>();

  constructor(private readonly rpc: TypedRpc, @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  @Post('products')
  @HttpCode(201)
  async createProduct(@Body() body: unknown, @Req() req: Request) {
    const sellerId = await this.seller(req);
    const b = parseInput(productBody, body);
    const r = await this.rpc.call(CatalogService.method.createProduct, {
      sellerId, title: b.title, description: b.description ?? '', price: { minorAmount: BigInt(b.price.minor), currency: (b.price.currency ?? '').toUpperCase() },
      minQuantity: b.minQuantity ?? 0, maxQuantity: b.maxQuantity ?? 0, countries: b.countries ?? [],
    });
    return { id: r.productId };
  }

  @Post('products/:id/keys')
  @HttpCode(200)
  async importKeys(@Param('id') id: string, @Body() body: unknown, @Req() req: Request) {
    const sellerId = await this.seller(req);
    const b = parseInput(keysBody, body);
    const r = await this.rpc.call(CatalogService.method.importKeys, { sellerId, productId: id, keys: b.keys }, { timeoutMs: 30000 });
    return { batchId: r.batchId, imported: r.imported, duplicates: r.duplicates };
  }

  @Get('products/:id')
  async stock(@Param('id') id: string, @Req() req: Request) {
    const sellerId = await this.seller(req);
    const r = await this.rpc.call(CatalogService.method.getProductStock, { sellerId, productId: id });
    return { id: r.productId, stock: r.stock, sold: r.sold, reserved: r.reserved };
  }

  @Get('balance')
  async balance(@Req() req: Request) {
    const sellerId = await this.seller(req);
    const r = await this.rpc.call(SettlementService.method.getSellerBalance, { sellerId });
    return { balances: r.balances.map((b) => ({ currency: b.currency, pending: Number(b.pending), available: Number(b.available), withdrawing: Number(b.withdrawing) })) };
  }

  private async seller(req: Request): Promise<string> {
    const key = bearerToken(req);
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.sellerId;
    const r = await this.rpc.call(CatalogService.method.authenticateSeller, { apiKey: key });
    if (this.cache.size > 10000) this.cache.clear();
    this.cache.set(key, { sellerId: r.sellerId, until: Date.now() + this.config.SELLER_AUTH_CACHE_MS });
    return r.sellerId;
  }
}
