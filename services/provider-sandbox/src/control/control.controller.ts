import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req, UseFilters } from '@nestjs/common';
import { HttpErrorFilter, type HttpRequest } from '@cardshop/platform';
import { completeSchema, merchantSchema, notificationPlanSchema, parseBody } from './control.schemas';
import { SandboxProviderRegistry } from './sandbox-provider.registry';
import { sandboxBaseUrl } from './sandbox-base-url';

/** Lets tests and people act as buyer and network for every simulated provider. */
@Controller('control')
@UseFilters(HttpErrorFilter)
export class ControlController {
  constructor(private readonly registry: SandboxProviderRegistry) {}

  @Get('health')
  health() {
    return { status: 'ok', providers: this.registry.all().map((p) => p.name) };
  }

  @Get('payments')
  payments(@Query('provider') provider?: string, @Query('merchantReference') merchantReference?: string) {
    const providers = provider ? [this.registry.get(provider)] : this.registry.all();
    return { items: providers.flatMap((p) => p.listPayments(merchantReference || undefined)) };
  }

  @Post('payments/:provider/:reference/complete')
  @HttpCode(200)
  complete(@Param('provider') provider: string, @Param('reference') reference: string, @Body() body: unknown) {
    const { outcome, reason } = parseBody(completeSchema, body);
    return this.registry.get(provider).complete(reference, outcome, reason);
  }

  @Get('payments/:provider/:reference/notifications')
  sent(@Param('provider') provider: string, @Param('reference') reference: string) {
    return { items: this.registry.get(provider).sentNotifications(reference) };
  }

  @Post('notifications')
  @HttpCode(200)
  notifications(@Body() body: unknown) {
    const { provider, ...plan } = parseBody(notificationPlanSchema, body);
    this.registry.get(provider).setNotificationPlan(plan);
    return { provider, ...plan };
  }

  @Get('keys/:provider')
  keys(@Param('provider') provider: string, @Req() req: HttpRequest) {
    return this.registry.get(provider).keys(sandboxBaseUrl(req));
  }

  @Put('merchants/:provider/:merchantId')
  merchant(@Param('provider') provider: string, @Param('merchantId') merchantId: string, @Body() body: unknown, @Req() req: HttpRequest) {
    return this.registry.get(provider).registerMerchant(merchantId, parseBody(merchantSchema, body), sandboxBaseUrl(req));
  }
}
