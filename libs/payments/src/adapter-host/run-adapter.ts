import { Module, type DynamicModule } from '@nestjs/common';
import { z } from 'zod';
import { serviceTransport, ServiceMessagingModule } from '@cardshop/messaging';
import { baseConfigSchema, loadConfig, PlatformModule, runService } from '@cardshop/platform';
import type { PaymentAdapter } from '../adapter-kit';
import { adapterRpcController, PAYMENT_ADAPTER } from './adapter-rpc.controller';
import { ADAPTER_PROVIDER, ExpectedPayments } from './expected-payments';
import { WebhookController } from './webhook.controller';
import { RedirectFormController } from './redirect-form.controller';
import { WebhookLog } from './webhook-log';

/** Adapters keep no state of their own yet, so they need neither DATABASE_URL nor DB_SCHEMA. */
const adapterConfigSchema = baseConfigSchema.partial({ DATABASE_URL: true, DB_SCHEMA: true });

@Module({})
class AdapterHostModule {}

export function adapterHostModule(provider: string, adapter: PaymentAdapter, config: z.infer<typeof adapterConfigSchema>): DynamicModule {
  return {
    module: AdapterHostModule,
    imports: [PlatformModule.forRoot(config as never), ServiceMessagingModule.forRoot(config as never, { durable: false })],
    controllers: [adapterRpcController(provider), WebhookController, RedirectFormController],
    providers: [{ provide: PAYMENT_ADAPTER, useValue: adapter }, { provide: ADAPTER_PROVIDER, useValue: provider }, ExpectedPayments, WebhookLog],
  };
}

/**
 * Runs one provider adapter as its own service: NATS rpcs for payments, the webhook route
 * `/webhooks/<provider>`, health, metrics and its ops page. An adapter's `main.ts` is one call.
 */
export async function runAdapter(makeAdapter: () => PaymentAdapter): Promise<void> {
  const config = loadConfig(adapterConfigSchema);
  const adapter = makeAdapter();
  const provider = adapter.capabilities().provider;
  await runService({ module: adapterHostModule(provider, adapter, config), config: config as never, transport: serviceTransport });
}
