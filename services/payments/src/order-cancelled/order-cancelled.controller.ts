import { Controller, Inject, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OrderCancelledSchema, patternOfEvent, PaymentProviderService, ProviderStatus, type OrderCancelled } from '@cardshop/contracts';
import { TypedRpc } from '@cardshop/messaging';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../payments.config';
import { from, OPEN_STATES } from '../attempt-states';

/**
 * A cancelled order's waiting attempts are closed at their providers, so the buyer can no
 * longer pay a QR they still have open. When the provider answers that it was paid already
 * (the buyer paid, and its notification is late or lost), the attempt is asked about at once:
 * the poll confirms it, and the order, which cannot take it any more, has it refunded.
 * Anything else (a QR nobody scanned cannot be closed at Alipay) is left to the polling schedule.
 */
@Controller()
export class OrderCancelledController {
  private readonly log = new Logger(OrderCancelledController.name);

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly rpc: TypedRpc, @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig) {}

  @EventPattern(patternOfEvent(OrderCancelledSchema))
  async onOrderCancelled(@Payload() evt: OrderCancelled) {
    const live: { id: string; provider: string; merchant_reference: string }[] = await this.db.query(
      `SELECT id, provider, merchant_reference FROM attempts WHERE order_id = $1 AND status = ANY($2)`,
      [evt.orderId, OPEN_STATES],
    );
    for (const a of live) {
      const r = await this.rpc.call(PaymentProviderService.method.cancelPayment, { provider: a.provider, merchantReference: a.merchant_reference }, { qualifier: a.provider, timeoutMs: this.config.ADAPTER_TIMEOUT_MS });
      if (r.status === ProviderStatus.CANCELLED) {
        await this.db.query(`UPDATE attempts SET status = 'cancelled', next_poll_at = NULL WHERE id = $1 AND status = ANY($2)`, [a.id, from('cancelled')]);
      } else {
        await this.db.query(`UPDATE attempts SET next_poll_at = now() WHERE id = $1 AND status = ANY($2)`, [a.id, OPEN_STATES]);
        this.log.log({ attemptId: a.id, providerStatus: ProviderStatus[r.status] }, 'cancelled order: the provider did not close the payment; asking about it now');
      }
    }
  }
}
