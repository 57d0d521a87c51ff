import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { z } from 'zod';
import { parseInput, type HttpReply, type HttpRequest } from '@cardshop/platform';
import { OrdersService } from '@cardshop/contracts';
import { TypedRpc } from '@cardshop/messaging';
import { bearerToken } from '../shared/bearer';
import { orderStatusName } from '../shared/public-shapes';
import { OrderEventsService } from './order-events.service';

/** `until=delivered`: the stream ends once no `delivered` event can follow (see `OrderEventsService.attach`). */
const streamQuery = z.object({ until: z.enum(['delivered']).optional() });

@Controller('api/v1/orders')
export class OrderEventsController {
  constructor(private readonly rpc: TypedRpc, private readonly events: OrderEventsService) {}

  /**
   * Server-sent events: `status`, `payment`, `delivered` (and later `progress`). Starts with the
   * current status; with `until=delivered` it ends after the keys are delivered, on a connection the
   * client may reuse.
   */
  @Get(':id/events')
  async stream(@Param('id') id: string, @Query() query: unknown, @Req() req: HttpRequest, @Res() res: HttpReply) {
    const { until } = parseInput(streamQuery, query);
    const { order } = await this.rpc.call(OrdersService.method.getOrder, { orderId: id, accessToken: bearerToken(req, true) });
    this.events.attach(id, res, { event: 'status', data: { status: orderStatusName(order!.status) } }, until === 'delivered');
  }
}
