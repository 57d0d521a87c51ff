import { Inject, Injectable } from '@nestjs/common';
import { PaymentsService } from '@cardshop/contracts';
import { TypedRpc } from '@cardshop/messaging';
import type { ExpectedPayment } from '../adapter-kit';
import { fromProtoMoney } from './proto-mapping';

export const ADAPTER_PROVIDER = Symbol('ADAPTER_PROVIDER');

/** What payments asked this provider for, by our reference: the yardstick for every notification. */
@Injectable()
export class ExpectedPayments {
  constructor(private readonly rpc: TypedRpc, @Inject(ADAPTER_PROVIDER) private readonly provider: string) {}

  async expectedPayment(merchantReference: string): Promise<ExpectedPayment | null> {
    const r = await this.rpc.call(PaymentsService.method.getAttemptByReference, { provider: this.provider, merchantReference });
    if (!r.attempt) return null;
    const createdAtMs = Number(r.attempt.createdAtMs);
    return { merchantReference, amount: fromProtoMoney(r.attempt.amount), ...(createdAtMs > 0 ? { createdAtMs } : {}) };
  }
}
