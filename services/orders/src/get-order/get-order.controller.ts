import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import { GetOrderResponseSchema, LookupOrdersResponseSchema, OrdersService, patternOfMethod, type GetOrderRequest, type LookupOrdersRequest } from '@cardshop/contracts';
import { badRequest, notFound, isUuid } from '@cardshop/platform';
import { AccessTokens } from '../place-order/access-token';
import { verifyQueryPassword } from '../place-order/query-password';
import { ORDER_COLUMNS, toOrder, type OrderRow } from '../order-row';
import { LookupLimiter } from '../lookup/lookup-limiter';

@Controller()
export class GetOrderController {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly tokens: AccessTokens, private readonly limiter: LookupLimiter) {}

  /** A wrong token answers exactly like a missing order, so ids cannot be probed. */
  @MessagePattern(patternOfMethod(OrdersService.method.getOrder))
  async get(@Payload() req: GetOrderRequest) {
    if (!isUuid(req.orderId) || !this.tokens.verify(req.orderId, req.accessToken)) throw notFound('ORDER.NOT_FOUND', 'no such order, or the access token does not match');
    const rows: OrderRow[] = await this.db.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [req.orderId]);
    if (rows.length === 0) throw notFound('ORDER.NOT_FOUND', 'no such order, or the access token does not match');
    return create(GetOrderResponseSchema, { order: toOrder(rows[0]) });
  }

  /**
   * Finds a buyer's orders by order id or email plus the query password chosen at checkout. A
   * wrong password, an unknown order and an unknown email all answer the same empty list; failed
   * lookups are limited (LookupLimiter), so passwords cannot be guessed.
   */
  @MessagePattern(patternOfMethod(OrdersService.method.lookupOrders))
  async lookup(@Payload() req: LookupOrdersRequest) {
    if (!req.queryPassword) throw badRequest('LOOKUP.PASSWORD_REQUIRED', 'queryPassword is required');
    if (!req.orderId && !req.email) throw badRequest('LOOKUP.CRITERIA_REQUIRED', 'give orderId or email together with queryPassword');
    const subject = req.orderId ? `order:${req.orderId.toLowerCase()}` : `email:${req.email.toLowerCase()}`;
    await this.limiter.check(subject, req.clientIp);
    let rows: OrderRow[] = [];
    if (req.orderId) {
      if (isUuid(req.orderId)) rows = await this.db.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [req.orderId]);
    } else {
      rows = await this.db.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE lower(email) = lower($1) ORDER BY created_at DESC LIMIT 50`, [req.email]);
    }
    const matches = (await Promise.all(rows.map(async (r) => ((await verifyQueryPassword(req.queryPassword, r.query_password_hash)) ? r : undefined)))).filter(
      (r): r is OrderRow => !!r,
    );
    if (matches.length === 0) await this.limiter.failed(subject, req.clientIp);
    return create(LookupOrdersResponseSchema, { items: matches.map((r) => ({ order: toOrder(r), accessToken: this.tokens.issue(r.id) })) });
  }
}
