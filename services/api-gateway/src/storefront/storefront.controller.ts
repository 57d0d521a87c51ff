import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { CHANNEL_NAMES, CURRENCY_EXPONENTS } from '@cardshop/payments';
import { badRequest, type HttpReply } from '@cardshop/platform';

// The page formats integer minor units itself; the exponents come from the one table the platform uses.
const page = readFileSync(join(__dirname, 'storefront.html'), 'utf8').replace('/*CURRENCY_EXPONENTS*/{}', JSON.stringify(CURRENCY_EXPONENTS))
  .replace('/*CHANNEL_NAMES*/{}', JSON.stringify(CHANNEL_NAMES));

/** The reference storefront (one static page talking to the public API) and QR images for it. */
@Controller()
export class StorefrontController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  index(): string {
    return page;
  }

  @Get('api/v1/qr.png')
  async qr(@Query('content') content: string | undefined, @Res() res: HttpReply) {
    if (!content || content.length > 1000) throw badRequest('QR.INVALID_CONTENT', 'content must be 1 to 1000 characters');
    const png = await QRCode.toBuffer(content, { type: 'png', margin: 1, width: 240, errorCorrectionLevel: 'M' });
    res.status(200).type('image/png').header('Cache-Control', 'public, max-age=3600').send(png);
  }
}
