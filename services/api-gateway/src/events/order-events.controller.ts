import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { HttpReply, HttpRequest } from '@cardshop/platform';
import { OrdersService } from '@cardshop/contracts';
import { TypedRpc } from '@cardshop/messaging';
import { bearerToken } from '../shared/bearer';
import { orderStatusName } from '../shared/public-shapes';
import { OrderEventsService } from './order-events.service';

@Controller('api/v1/orders')
export class OrderEventsController {
  constructor(private readonly rpc: TypedRpc, private readonly events: OrderEventsService) {}

  /** Server-sent events: `status`, `payment`, `delivered` (and later `progress`). Starts with the current status. */
  @Get(':id/events')
  async stream(@Param('id') id: string, @Req() req: HttpRequest, @Res() res: HttpReply) {
    const { order } = await this.rpc.call(OrdersService.method.getOrder, { orderId: id, accessToken: bearerToken(req, true) });
    this.events.attach(id, res, { event: 'status', data: { status: orderStatusName(order!.status) } });
  }
}
