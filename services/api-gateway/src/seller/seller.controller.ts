import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { CatalogService, OrdersService, SettlementService, type Coupon, type Product } from '@cardshop/contracts';
import { TypedRpc } from '@cardshop/messaging';
import { badRequest, type HttpRequest, OpsGuard, parseInput } from '@cardshop/platform';
import { publicMoney, publicOrder, publicProduct } from '../shared/public-shapes';
import { isLoopImport, keysFromImport } from './key-import';
import { SellerAuth } from './seller-auth';

const actionBody = z.object({ reason: z.string().max(2000).optional() }).strict();
const refundBody = z.object({
  reason: z.string().max(2000).optional(),
  amount: z.object({ minor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), currency: z.string().regex(/^[A-Za-z]{3,4}$/).optional() }).strict().optional(),
}).strict();

/** Who is acting, from `X-Ops-Actor` (required on every ops action). */
function opsActor(req: HttpRequest): string {
  const actor = [req.headers['x-ops-actor']].flat()[0]?.trim();
  if (!actor) throw badRequest('OPS.ACTOR_REQUIRED', 'name yourself in the X-Ops-Actor header');
  return actor.slice(0, 200);
}

const sellerBody = z.object({ name: z.string().min(1).max(120), email: z.string().email(), currency: z.string().regex(/^[A-Za-z]{3,4}$/).optional() }).strict();
const money = z.object({ minor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), currency: z.string().regex(/^[A-Za-z]{3,4}$/).optional() }).strict();
const wholesale = z.array(z.object({ fromQuantity: z.number().int().min(2).max(1000), price: money }).strict()).max(10);
const productFields = {
  title: z.string().min(1).max(200),
  description: z.string().max(5000),
  price: money,
  minQuantity: z.number().int().min(1).max(1000),
  maxQuantity: z.number().int().min(1).max(1000),
  countries: z.array(z.string().regex(/^[A-Za-z]{2}$/)).max(250),
  /** At most this many keys per buyer (email) over their orders; 0 = no limit. */
  perBuyerLimit: z.number().int().min(0).max(100_000),
  /** Volume prices (批发价): from a quantity on, each key costs `price`. */
  wholesale,
  /** Tell the seller when available keys drop below this; 0 = never. */
  lowStockThreshold: z.number().int().min(0).max(1_000_000),
};
const productBody = z.object({ ...productFields, title: productFields.title, price: money }).partial({ description: true, minQuantity: true, maxQuantity: true, countries: true, perBuyerLimit: true, wholesale: true, lowStockThreshold: true }).strict();
const productPatch = z.object({ ...productFields, active: z.boolean() }).partial().strict();

const couponBody = z.object({
  code: z.string().regex(/^[A-Za-z0-9_-]{3,64}$/, '3 to 64 letters, digits, - or _'),
  amountOff: money.optional(),
  percentOff: z.number().int().min(1).max(99).optional(),
  /** Only this product; without it, every product of the seller. */
  productId: z.string().max(64).optional(),
  /** How many orders may use it; 0 or absent = no limit. */
  usageLimit: z.number().int().min(0).max(10_000_000).optional(),
  expiresAt: z.string().datetime({ offset: true }).optional(),
}).strict().refine((c) => (c.amountOff === undefined) !== (c.percentOff === undefined), 'give either amountOff or percentOff');

/** A coupon as its seller sees it. */
function publicCoupon(c: Coupon) {
  return {
    id: c.id, code: c.code, ...(c.amountOff ? { amountOff: publicMoney(c.amountOff) } : { percentOff: c.percentOff }),
    productId: c.productId || null, usageLimit: c.usageLimit, used: c.used,
    expiresAt: c.expiresAtMs > 0n ? new Date(Number(c.expiresAtMs)).toISOString() : null,
  };
}

const tiers = (w: z.infer<typeof wholesale>) => w.map((t) => ({ fromQuantity: t.fromQuantity, unitPrice: { minorAmount: BigInt(t.price.minor), currency: (t.price.currency ?? '').toUpperCase() } }));

/** What a seller sees of their own product. */
function sellerProduct(p: Product) {
  return {
    ...publicProduct(p, true),
    active: p.active,
    perBuyerLimit: p.perBuyerLimit,
    lowStockThreshold: p.lowStockThreshold,
    wholesale: p.wholesale.map((t) => ({ fromQuantity: t.fromQuantity, price: publicMoney(t.unitPrice) })),
  };
}

@Controller('api/v1/ops')
@UseGuards(OpsGuard)
export class OpsApiController {
  constructor(private readonly rpc: TypedRpc) {}

  /**
   * Audited ops actions on an order. The operator names themselves in `X-Ops-Actor`; the orders
   * service logs who, when, what, why and the outcome in its append-only audit log.
   */
  @Post('orders/:id/mark-paid')
  @HttpCode(200)
  markPaid(@Param('id') id: string, @Body() body: unknown, @Req() req: HttpRequest) {
    return this.orderAction(id, 'mark_paid', body, req);
  }

  @Post('orders/:id/resend-delivery')
  @HttpCode(200)
  resendDelivery(@Param('id') id: string, @Body() body: unknown, @Req() req: HttpRequest) {
    return this.orderAction(id, 'resend_delivery', body, req);
  }

  @Post('orders/:id/cancel')
  @HttpCode(200)
  cancel(@Param('id') id: string, @Body() body: unknown, @Req() req: HttpRequest) {
    return this.orderAction(id, 'cancel', body, req);
  }

  /** All that is left of the payment, or `amount` (with an `Idempotency-Key`: the same key refunds once). */
  @Post('orders/:id/refund')
  @HttpCode(200)
  async refund(@Param('id') id: string, @Body() body: unknown, @Headers('idempotency-key') idempotencyKey: string | undefined, @Req() req: HttpRequest) {
    const b = parseInput(refundBody, body ?? {});
    const r = await this.rpc.call(OrdersService.method.runOpsAction, {
      orderId: id, action: 'refund', actor: opsActor(req), reason: b.reason ?? '', idempotencyKey: idempotencyKey ?? '',
      amount: b.amount ? { minorAmount: BigInt(b.amount.minor), currency: (b.amount.currency ?? '').toUpperCase() } : undefined,
    });
    return { order: publicOrder(r.order!), outcome: r.outcome };
  }

  private async orderAction(id: string, action: string, body: unknown, req: HttpRequest) {
    const b = parseInput(actionBody, body ?? {});
    const r = await this.rpc.call(OrdersService.method.runOpsAction, { orderId: id, action, actor: opsActor(req), reason: b.reason ?? '' });
    return { order: publicOrder(r.order!), outcome: r.outcome };
  }

  /** The keys of a delivered order, for support; every look is audited. */
  @Get('orders/:id/keys')
  async orderKeys(@Param('id') id: string, @Query('reason') reason: string | undefined, @Req() req: HttpRequest) {
    const r = await this.rpc.call(OrdersService.method.runOpsAction, { orderId: id, action: 'reveal_keys', actor: opsActor(req), reason: reason ?? '' });
    return { orderId: id, keys: r.keys };
  }

  @Get('audit')
  async audit(@Query('orderId') orderId: string | undefined) {
    const r = await this.rpc.call(OrdersService.method.listAuditLog, { orderId: orderId ?? '', limit: 200 });
    return { items: r.entries.map((e) => ({ at: new Date(Number(e.atMs)).toISOString(), actor: e.actor, action: e.action, orderId: e.orderId, reason: e.reason, outcome: e.outcome })) };
  }

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
  constructor(private readonly rpc: TypedRpc, private readonly auth: SellerAuth) {}

  @Post('products')
  @HttpCode(201)
  async createProduct(@Body() body: unknown, @Req() req: HttpRequest) {
    const sellerId = await this.auth.seller(req);
    const b = parseInput(productBody, body);
    const r = await this.rpc.call(CatalogService.method.createProduct, {
      sellerId, title: b.title, description: b.description ?? '', price: { minorAmount: BigInt(b.price.minor), currency: (b.price.currency ?? '').toUpperCase() },
      minQuantity: b.minQuantity ?? 0, maxQuantity: b.maxQuantity ?? 0, countries: b.countries ?? [],
      perBuyerLimit: b.perBuyerLimit ?? 0, wholesale: tiers(b.wholesale ?? []), lowStockThreshold: b.lowStockThreshold ?? 0,
    });
    return { id: r.productId };
  }

  /** Changes the fields given; `active: false` unlists the product (its keys stay). */
  @Patch('products/:id')
  async updateProduct(@Param('id') id: string, @Body() body: unknown, @Req() req: HttpRequest) {
    const sellerId = await this.auth.seller(req);
    const b = parseInput(productPatch, body);
    const r = await this.rpc.call(CatalogService.method.updateProduct, {
      sellerId, productId: id, title: b.title, description: b.description,
      price: b.price ? { minorAmount: BigInt(b.price.minor), currency: (b.price.currency ?? '').toUpperCase() } : undefined,
      minQuantity: b.minQuantity, maxQuantity: b.maxQuantity, perBuyerLimit: b.perBuyerLimit, lowStockThreshold: b.lowStockThreshold, active: b.active,
      setCountries: b.countries !== undefined, countries: b.countries ?? [], setWholesale: b.wholesale !== undefined, wholesale: tiers(b.wholesale ?? []),
    });
    return sellerProduct(r.product!);
  }

  /** Unlists the product: no new orders; its keys, orders and sales stay. */
  @Delete('products/:id')
  async unlistProduct(@Param('id') id: string, @Req() req: HttpRequest) {
    const sellerId = await this.auth.seller(req);
    const r = await this.rpc.call(CatalogService.method.updateProduct, { sellerId, productId: id, active: false });
    return sellerProduct(r.product!);
  }

  /** Imports keys as `{ keys: [] }`, `{ text }` (one per line) or `{ csv, column? }`; one batch per import. */
  @Post('products/:id/keys')
  @HttpCode(200)
  async importKeys(@Param('id') id: string, @Body() body: unknown, @Req() req: HttpRequest) {
    const sellerId = await this.auth.seller(req);
    const keys = keysFromImport(body);
    const r = await this.rpc.call(CatalogService.method.importKeys, { sellerId, productId: id, keys, loop: isLoopImport(body) }, { timeoutMs: 30000 });
    return { batchId: r.batchId, imported: r.imported, duplicates: r.duplicates };
  }

  @Get('products/:id/batches')
  async batches(@Param('id') id: string, @Req() req: HttpRequest) {
    const sellerId = await this.auth.seller(req);
    const r = await this.rpc.call(CatalogService.method.listKeyBatches, { sellerId, productId: id });
    return {
      items: r.batches.map((b) => ({
        batchId: b.batchId, imported: b.imported, duplicates: b.duplicates, available: b.available, reserved: b.reserved, sold: b.sold, withdrawn: b.withdrawn,
        createdAt: new Date(Number(b.createdAtMs)).toISOString(),
      })),
    };
  }

  /** Withdraws the batch's unsold keys; keys held by orders or sold stay theirs. */
  @Delete('products/:id/batches/:batchId')
  async withdrawBatch(@Param('id') id: string, @Param('batchId') batchId: string, @Req() req: HttpRequest) {
    const sellerId = await this.auth.seller(req);
    const r = await this.rpc.call(CatalogService.method.withdrawKeyBatch, { sellerId, productId: id, batchId });
    return { withdrawn: r.withdrawn, reserved: r.reserved, sold: r.sold };
  }

  @Get('products/:id')
  async stock(@Param('id') id: string, @Req() req: HttpRequest) {
    const sellerId = await this.auth.seller(req);
    const r = await this.rpc.call(CatalogService.method.getProductStock, { sellerId, productId: id });
    return { id: r.productId, stock: r.stock, sold: r.sold, reserved: r.reserved };
  }

  @Get('balance')
  async balance(@Req() req: HttpRequest) {
    const sellerId = await this.auth.seller(req);
    const r = await this.rpc.call(SettlementService.method.getSellerBalance, { sellerId });
    return { balances: r.balances.map((b) => ({ currency: b.currency, pending: Number(b.pending), available: Number(b.available), withdrawing: Number(b.withdrawing) })) };
  }

  /** A coupon for all the seller's products, or one (`productId`): fixed or percent off, limited in uses and time. */
  @Post('coupons')
  @HttpCode(201)
  async createCoupon(@Body() body: unknown, @Req() req: HttpRequest) {
    const sellerId = await this.auth.seller(req);
    const b = parseInput(couponBody, body);
    const r = await this.rpc.call(CatalogService.method.createCoupon, {
      sellerId,
      coupon: {
        code: b.code, percentOff: b.percentOff ?? 0, productId: b.productId ?? '', usageLimit: b.usageLimit ?? 0,
        amountOff: b.amountOff ? { minorAmount: BigInt(b.amountOff.minor), currency: (b.amountOff.currency ?? '').toUpperCase() } : undefined,
        expiresAtMs: b.expiresAt ? BigInt(Date.parse(b.expiresAt)) : 0n,
      },
    });
    return publicCoupon(r.coupon!);
  }

  @Get('coupons')
  async coupons(@Req() req: HttpRequest) {
    const sellerId = await this.auth.seller(req);
    const r = await this.rpc.call(CatalogService.method.listCoupons, { sellerId });
    return { items: r.coupons.map(publicCoupon) };
  }

  /** The keys delivered to an order of one of the seller's products, for support; every look is audited. */
  @Get('orders/:id/keys')
  async orderKeys(@Param('id') id: string, @Query('reason') reason: string | undefined, @Req() req: HttpRequest) {
    const sellerId = await this.auth.seller(req);
    const r = await this.rpc.call(OrdersService.method.runOpsAction, { orderId: id, action: 'reveal_keys', actor: `seller:${sellerId}`, sellerId, reason: (reason ?? '').slice(0, 2000) });
    return { orderId: id, keys: r.keys };
  }

  /** A new API key, shown only here; the old one stops working at once, on every gateway. */
  @Post('api-key/rotate')
  @HttpCode(201)
  async rotateKey(@Req() req: HttpRequest) {
    const sellerId = await this.auth.seller(req);
    const r = await this.rpc.call(CatalogService.method.rotateSellerApiKey, { sellerId });
    this.auth.forget(sellerId);
    return { apiKey: r.apiKey };
  }
}
