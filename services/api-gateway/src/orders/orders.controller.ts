import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { z } from 'zod';
import { CatalogService, OrdersService, OrderStatus, PaymentsService, RoutingService, type Order } from '@cardshop/contracts';
import { TypedRpc } from '@cardshop/messaging';
import { AppError, type HttpRequest, parseInput } from '@cardshop/platform';
import { bearerToken } from '../shared/bearer';
import { publicAttempt, publicMoney, publicOrder } from '../shared/public-shapes';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';

const placeOrderBody = z.object({
  productId: z.string().min(1).max(64),
  quantity: z.number().int().min(1).max(1000),
  email: z.string().email().max(254),
  queryPassword: z.string().min(8, 'queryPassword must be at least 8 characters').max(128).optional(),
  country: z.string().regex(/^[A-Za-z]{2}$/, 'an ISO 3166 alpha-2 code').optional(),
  couponCode: z.string().max(64).optional(),
}).strict();
const lookupBody = z.object({ orderId: z.string().max(64).optional(), email: z.string().email().optional(), queryPassword: z.string().min(1).max(128) }).strict();
const payBody = z.object({ channel: z.string().min(1).max(40), device: z.enum(['desktop', 'mobile', 'ios', 'android']).optional(), country: z.string().regex(/^[A-Za-z]{2}$/).optional() }).strict();
const optionsQuery = z.object({ country: z.string().regex(/^[A-Za-z]{2}$/).optional(), device: z.enum(['desktop', 'mobile', 'ios', 'android']).optional() });

const DELIVERED = new Set([OrderStatus.DELIVERED, OrderStatus.COMPLETED]);
export const QR_IMAGE_PATH = '/api/v1/qr.png';

@Controller('api/v1/orders')
export class OrdersController {
  constructor(private readonly rpc: TypedRpc, @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  @Post()
  @HttpCode(201)
  async place(@Body() body: unknown, @Headers('idempotency-key') idempotencyKey: string | undefined, @Req() req: HttpRequest) {
    const b = parseInput(placeOrderBody, body);
    const r = await this.rpc.call(OrdersService.method.placeOrder, {
      productId: b.productId, quantity: b.quantity, email: b.email, queryPassword: b.queryPassword ?? '', country: b.country ?? '', idempotencyKey: idempotencyKey ?? '', clientIp: req.ip ?? '',
      couponCode: b.couponCode ?? '',
    });
    return { ...publicOrder(r.order!), accessToken: r.accessToken };
  }

  @Post('lookup')
  @HttpCode(200)
  async lookup(@Body() body: unknown, @Req() req: HttpRequest) {
    const b = parseInput(lookupBody, body);
    const r = await this.rpc.call(OrdersService.method.lookupOrders, { orderId: b.orderId ?? '', email: b.email ?? '', queryPassword: b.queryPassword, clientIp: req.ip ?? '' });
    return { items: r.items.map((i) => ({ ...publicOrder(i.order!), accessToken: i.accessToken })) };
  }

  @Get(':id')
  async get(@Param('id') id: string, @Req() req: HttpRequest) {
    const order = await this.order(id, bearerToken(req));
    const delivered = DELIVERED.has(order.status);
    const [payment, keys] = await Promise.all([
      delivered ? undefined : this.rpc.call(PaymentsService.method.getPayment, { orderId: id }),
      delivered ? this.rpc.call(CatalogService.method.revealKeys, { orderId: id }) : undefined,
    ]);
    return {
      ...publicOrder(order),
      ...(payment?.attempt ? { payment: publicAttempt(payment.attempt, this.qrBase()) } : {}),
      ...(keys ? { keys: keys.keys } : {}),
    };
  }

  @Get(':id/payment-options')
  async options(@Param('id') id: string, @Query() query: unknown, @Req() req: HttpRequest) {
    const q = parseInput(optionsQuery, query);
    const order = await this.order(id, bearerToken(req));
    const r = await this.rpc.call(RoutingService.method.rankChannels, { orderId: id, country: (q.country ?? order.country).toUpperCase(), device: q.device ?? 'desktop', amount: order.total, email: order.email });
    return { items: r.items.map((i) => ({ channel: i.channel, recommended: i.recommended, score: i.score, reasons: i.reasons, amount: publicMoney(i.amount) })) };
  }

  @Post(':id/payments')
  @HttpCode(201)
  async pay(@Param('id') id: string, @Body() body: unknown, @Req() req: HttpRequest) {
    const b = parseInput(payBody, body);
    const order = await this.order(id, bearerToken(req));
    if (order.status !== OrderStatus.AWAITING_PAYMENT) throw new AppError('ORDER.NOT_PAYABLE', `the order is ${OrderStatus[order.status].toLowerCase()} and cannot be paid`, 409);
    const r = await this.rpc.call(PaymentsService.method.startPayment, {
      orderId: id, channel: b.channel, device: b.device ?? 'desktop', country: (b.country ?? order.country).toUpperCase(), clientIp: req.ip ?? '', email: order.email, sellerId: order.sellerId, amount: order.total,
    }, { timeoutMs: 20000 });
    return publicAttempt(r.attempt!, this.qrBase());
  }

  /** Reads an order the caller may see; a wrong token looks exactly like a missing order. */
  async order(id: string, token: string): Promise<Order> {
    const r = await this.rpc.call(OrdersService.method.getOrder, { orderId: id, accessToken: token });
    return r.order!;
  }

  private qrBase(): string {
    return `${this.config.PUBLIC_BASE_URL ?? ''}${QR_IMAGE_PATH}`;
  }
}
