import { All, Controller, Header, HttpCode, Req } from '@nestjs/common';
import type { HttpRequest } from '@cardshop/platform';
import { sandboxBaseUrl } from '../control';
import { AlipayGatewayService } from './alipay-gateway.service';

/** `gateway.do`: SDK v4 sends common params in the query and biz_content in the form body. */
@Controller('alipay')
export class AlipayGatewayController {
  constructor(private readonly gateway: AlipayGatewayService) {}

  @All('gateway.do')
  @HttpCode(200)
  @Header('content-type', 'application/json;charset=utf-8')
  handle(@Req() req: HttpRequest): string {
    const params: Record<string, string> = {};
    const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    for (const source of [req.query as Record<string, unknown>, body]) {
      for (const [k, v] of Object.entries(source)) if (typeof v === 'string') params[k] = v;
    }
    return this.gateway.handle(params, sandboxBaseUrl(req));
  }
}
