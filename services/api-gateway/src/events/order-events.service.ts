import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { HttpReply } from '@cardshop/platform';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Subscription } from 'nats';
import { eventSubject, OrderAwaitingStockSchema, OrderCancelledSchema, OrderCompletedSchema, OrderDeliveredSchema, OrderRefundedSchema, OrderExpiredSchema, OrderPaidSchema, patternOfEvent, PaymentFailedSchema, PaymentSucceededSchema } from '@cardshop/contracts';
import { MESSAGING_OPTIONS, NatsConnectionProvider, protoCodec, type MessagingModuleOptions } from '@cardshop/messaging';
import { publicFailure } from '../shared/public-shapes';

type Push = (event: string, data: unknown) => void;
const codec = protoCodec('server');

/** Statuses after which no `delivered` event can come: the order was delivered already, or will never be. */
const DELIVERY_DECIDED = new Set(['delivered', 'completed', 'expired', 'cancelled', 'refunded', 'partially_refunded']);

/**
 * Whether no `delivered` event can follow this one. A live `delivered` status is pushed together
 * with its `delivered` event, which is the one that decides.
 */
function deliveryDecided(event: string, data: unknown, live: boolean): boolean {
  if (event === 'delivered') return true;
  const status = event === 'status' ? (data as { status?: string }).status ?? '' : '';
  return DELIVERY_DECIDED.has(status) && !(live && status === 'delivered');
}

/**
 * Fans order and payment events out to the storefronts watching that order over SSE. A plain
 * NATS subscription sees every event JetStream stores on these subjects; nothing is consumed.
 */
@Injectable()
export class OrderEventsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(OrderEventsService.name);
  private readonly watchers = new Map<string, Set<Push>>();
  private subs: Subscription[] = [];

  constructor(private readonly nats: NatsConnectionProvider, @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions) {}

  async onApplicationBootstrap(): Promise<void> {
    const nc = await this.nats.get();
    const on = (pattern: string, map: (d: never) => { orderId: string; event: string; data: unknown }[]) => {
      const sub = nc.subscribe(eventSubject(this.options.namespace, pattern), {
        callback: (err, msg) => {
          if (err) return;
          try {
            for (const m of map(codec.decode(pattern, msg.data) as never)) this.watchers.get(m.orderId)?.forEach((push) => push(m.event, m.data));
          } catch (e) {
            this.log.warn({ err: (e as Error).message, pattern }, 'undecodable event skipped');
          }
        },
      });
      this.subs.push(sub);
    };
    on(patternOfEvent(OrderPaidSchema), (d: { orderId: string }) => [{ orderId: d.orderId, event: 'status', data: { status: 'paid' } }]);
    on(patternOfEvent(OrderDeliveredSchema), (d: { orderId: string }) => [
      { orderId: d.orderId, event: 'status', data: { status: 'delivered' } },
      { orderId: d.orderId, event: 'delivered', data: { orderId: d.orderId } },
    ]);
    on(patternOfEvent(OrderAwaitingStockSchema), (d: { orderId: string }) => [{ orderId: d.orderId, event: 'status', data: { status: 'paid_awaiting_stock' } }]);
    on(patternOfEvent(OrderRefundedSchema), (d: { orderId: string; full: boolean }) => [{ orderId: d.orderId, event: 'status', data: { status: d.full ? 'refunded' : 'partially_refunded' } }]);
    on(patternOfEvent(OrderExpiredSchema), (d: { orderId: string }) => [{ orderId: d.orderId, event: 'status', data: { status: 'expired' } }]);
    on(patternOfEvent(OrderCancelledSchema), (d: { orderId: string }) => [{ orderId: d.orderId, event: 'status', data: { status: 'cancelled' } }]);
    on(patternOfEvent(OrderCompletedSchema), (d: { orderId: string }) => [{ orderId: d.orderId, event: 'status', data: { status: 'completed' } }]);
    on(patternOfEvent(PaymentSucceededSchema), (d: { orderId: string; channel: string }) => [{ orderId: d.orderId, event: 'payment', data: { status: 'succeeded', channel: d.channel } }]);
    on(patternOfEvent(PaymentFailedSchema), (d: { orderId: string; channel: string; failure?: Parameters<typeof publicFailure>[0] }) => [
      { orderId: d.orderId, event: 'payment', data: { status: 'failed', channel: d.channel, failure: d.failure ? publicFailure(d.failure) : undefined } },
    ]);
  }

  onApplicationShutdown(): void {
    this.subs.forEach((s) => s.unsubscribe());
  }

  /**
   * Streams events for one order to `res` until the client goes away or, with `endOnDelivery`,
   * until no `delivered` event can follow: after it, or after a status that rules it out (an order
   * already delivered, expired, cancelled, refunded). The response then ends and the connection
   * stays open for the client's next request.
   */
  attach(orderId: string, reply: HttpReply, initial: { event: string; data: unknown }, endOnDelivery = false): void {
    // The stream is written straight to the socket's response (with the headers set so far, such as
    // X-Trace-Id); Fastify leaves it alone from here.
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { ...(reply.getHeaders() as OutgoingHttpHeaders), 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    const write = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    write(initial.event, initial.data);
    if (endOnDelivery && deliveryDecided(initial.event, initial.data, false)) {
      res.end();
      return;
    }
    const set = this.watchers.get(orderId) ?? new Set<Push>();
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15000);
    const stop = () => {
      clearInterval(heartbeat);
      set.delete(push);
      if (set.size === 0) this.watchers.delete(orderId);
    };
    const push: Push = (event, data) => {
      write(event, data);
      if (endOnDelivery && deliveryDecided(event, data, true)) {
        stop();
        res.end();
      }
    };
    set.add(push);
    this.watchers.set(orderId, set);
    res.on('close', stop);
  }
}
