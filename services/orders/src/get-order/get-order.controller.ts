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


@Controller()
export class GetOrderController {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly tokens: AccessTokens) {}

  /** A wrong token answers exactly like a missing order, so ids cannot be probed. */
  @MessagePattern(patternOfMethod(OrdersService.method.getOrder))
  async get(@Payload() req: GetOrderRequest) {
    if (!isUuid(req.orderId) || !this.tokens.verify(req.orderId, req.accessToken)) throw notFound('ORDER.NOT_FOUND', 'no such order, or the access token does not match');
    const rows: OrderRow[] = await this.db.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [req.orderId]);
    if (rows.length === 0) throw notFound('ORDER.NOT_FOUND', 'no such order, or the access token does not match');
    return create(GetOrderResponseSchema, { order: toOrder(rows[0]) });
  }

  /** Finds a buyer's orders by order id or email plus the query password chosen at checkout. */
  @MessagePattern(patternOfMethod(OrdersService.method.lookupOrders))
  async lookup(@Payload() req: LookupOrdersRequest) {
    if (!req.queryPassword) throw badRequest('LOOKUP.PASSWORD_REQUIRED', 'queryPassword is required');
    let rows: OrderRow[];
    if (req.orderId) {
      if (!isUuid(req.orderId)) return create(LookupOrdersResponseSchema, { items: [] });
      rows = await this.db.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [req.orderId]);
    } else if (req.email) {
      rows = await this.db.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE lower(email) = lower($1) ORDER BY created_at DESC LIMIT 50`, [req.email]);
    } else {
      throw badRequest('LOOKUP.CRITERIA_REQUIRED', 'give orderId or email together with queryPassword');
    }
    const matches = await Promise.all(rows.map(async (r) => ((await verifyQueryPassword(req.queryPassword, r.query_password_hash)) ? r : undefined)));
    return create(LookupOrdersResponseSchema, {
      items: matches.filter((r): r is OrderRow => !!r).map((r) => ({ order: toOrder(r), accessToken: this.tokens.issue(r.id) })),
    });
  }
}
