import { Controller, Get, HttpCode, Inject, Logger, Param, Post, Req, Res } from '@nestjs/common';
import type { HttpReply, HttpRequest } from '@cardshop/platform';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { eventSubject, patternOfEvent, ProviderPaymentConfirmedSchema, ProviderPaymentFailedSchema } from '@cardshop/contracts';
import { NatsConnectionProvider, outgoingHeaders, protoCodec, publishToStream, ensureEventStream, MESSAGING_OPTIONS, type MessagingModuleOptions } from '@cardshop/messaging';
import { headers as natsHeaders } from 'nats';
import type { PaymentAdapter, WebhookResult } from '../adapter-kit';
import { ADAPTER_PROVIDER, ExpectedPayments } from './expected-payments';
import { PAYMENT_ADAPTER } from './adapter-rpc.controller';
import { toProtoFailure, toProtoMoney } from './proto-mapping';
import { WebhookLog } from './webhook-log';
import { decline } from '../adapter-kit';

const codec = protoCodec('client');

/**
 * The provider's webhook route. Verifies over the raw bytes (signature, then amount, currency and
 * reference against the attempt), publishes the verified fact to JetStream and acknowledges the
 * provider only after JetStream stored it; anything forged, tampered or malformed gets a 4xx and
 * changes nothing.
 */
@Controller('webhooks')
export class WebhookController {
  private readonly log = new Logger('Webhook');
  private streamReady?: Promise<void>;

  constructor(
    @Inject(PAYMENT_ADAPTER) private readonly adapter: PaymentAdapter,
    @Inject(ADAPTER_PROVIDER) private readonly provider: string,
    @Inject(MESSAGING_OPTIONS) private readonly messaging: MessagingModuleOptions,
    private readonly expected: ExpectedPayments,
    private readonly nats: NatsConnectionProvider,
    private readonly history: WebhookLog,
  ) {}

  /** Some providers notify by GET with the fields in the query (epay); the adapter decides what it accepts. */
  @Get(':provider')
  @HttpCode(200)
  receiveGet(@Param('provider') provider: string, @Req() req: HttpRequest, @Res() res: HttpReply) {
    return this.receive(provider, req, res);
  }

  @Post(':provider')
  @HttpCode(200)
  async receive(@Param('provider') provider: string, @Req() req: HttpRequest, @Res() res: HttpReply) {
    if (provider !== this.provider) return res.status(404).send({ error: { code: 'WEBHOOK.UNKNOWN_PROVIDER', message: 'no such webhook' } });
    const q = req.originalUrl.indexOf('?');
    const raw = {
      headers: req.headers, rawBody: req.rawBody ?? Buffer.alloc(0), contentType: String(req.headers['content-type'] ?? ''),
      method: req.method, query: q >= 0 ? req.originalUrl.slice(q + 1) : '',
    };
    let result: WebhookResult;
    try {
      result = await this.adapter.parseWebhook(raw, { expectedPayment: (ref) => this.expected.expectedPayment(ref) });
    } catch (e) {
      // We could not check it (payments unreachable): let the provider retry later.
      this.log.warn({ err: (e as Error).message }, 'webhook could not be verified now');
      return res.status(503).type('text/plain').send('retry later');
    }
    if (result.kind === 'rejected') {
      this.history.add({ verdict: 'rejected', code: result.code, reason: result.reason });
      this.log.warn({ code: result.code, reason: result.reason }, 'webhook rejected');
      return res.status(result.ack.status).type(result.ack.contentType).send(result.ack.body);
    }
    const e = result.event;
    if (e.status === 'succeeded' || e.status === 'failed' || e.status === 'cancelled') {
      await this.publish(e.status === 'succeeded'
        ? { pattern: patternOfEvent(ProviderPaymentConfirmedSchema), msgId: e.eventId, data: ({
            provider: this.provider, merchantReference: e.merchantReference, providerReference: e.providerReference ?? '', amount: toProtoMoney(e.amount),
            paidAtMs: BigInt(Date.parse(e.occurredAt) || Date.now()), providerEventId: e.eventId }) satisfies MessageInitShape<typeof ProviderPaymentConfirmedSchema> }
        : { pattern: patternOfEvent(ProviderPaymentFailedSchema), msgId: e.eventId, data: ({
            provider: this.provider, merchantReference: e.merchantReference, failure: toProtoFailure(decline(e.status === 'cancelled' ? 'expired' : 'unknown', e.providerStatus)) }) satisfies MessageInitShape<typeof ProviderPaymentFailedSchema> });
    }
    this.history.add({ verdict: 'accepted', code: e.status, reason: `${e.merchantReference} ${e.providerStatus}` });
    return res.status(result.ack.status).type(result.ack.contentType).send(result.ack.body);
  }

  /**
   * Awaits JetStream's ack (through the connection's reply inbox, as the outbox relay does);
   * `Nats-Msg-Id` = the provider event id, so redeliveries dedupe.
   */
  private async publish(p: { pattern: string; msgId: string; data: unknown }): Promise<void> {
    const nc = await this.nats.get();
    this.streamReady ??= nc.jetstreamManager().then((jsm) => ensureEventStream(jsm, this.messaging.namespace, 'payments'));
    await this.streamReady;
    const h = natsHeaders();
    for (const [k, v] of Object.entries(outgoingHeaders())) h.set(k, v);
    await publishToStream(nc, eventSubject(this.messaging.namespace, p.pattern), codec.encode(p.pattern, p.data), h, { msgId: p.msgId });
  }
}
