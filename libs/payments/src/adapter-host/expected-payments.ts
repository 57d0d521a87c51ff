import { Inject, Injectable } from '@nestjs/common';
import { PaymentsService } from '@cardshop/contracts';
import { TypedRpc } from '@cardshop/messaging';
import { BoundedMap } from '@cardshop/platform';
import type { ExpectedPayment } from '../adapter-kit';
import { fromProtoMoney } from './proto-mapping';

export const ADAPTER_PROVIDER = Symbol('ADAPTER_PROVIDER');

/** How many created payments this replica remembers (~100 bytes each); older ones are asked for. */
const REMEMBERED = 20_000;

/**
 * What payments asked this provider for, by our reference: the yardstick for every notification.
 *
 * An attempt's reference, amount and creation time never change once payments has created it, and
 * the `CreatePayment` request that reached this replica carries all three: they are remembered
 * here, so the provider's notification about a payment this replica created is checked without
 * asking payments again. Anything else (another replica's payment, one created before a restart,
 * one pushed out of the bounded memory) is asked for with `GetAttemptByReference`.
 */
@Injectable()
export class ExpectedPayments {
  private readonly created = new BoundedMap<string, ExpectedPayment>(REMEMBERED);

  constructor(private readonly rpc: TypedRpc, @Inject(ADAPTER_PROVIDER) private readonly provider: string) {}

  /** Records what payments asked for when it created the payment at the provider. */
  remember(expected: ExpectedPayment): void {
    this.created.set(expected.merchantReference, expected);
  }

  async expectedPayment(merchantReference: string): Promise<ExpectedPayment | null> {
    const known = this.created.get(merchantReference);
    if (known) return known;
    const r = await this.rpc.call(PaymentsService.method.getAttemptByReference, { provider: this.provider, merchantReference });
    if (!r.attempt) return null;
    const createdAtMs = Number(r.attempt.createdAtMs);
    return { merchantReference, amount: fromProtoMoney(r.attempt.amount), ...(createdAtMs > 0 ? { createdAtMs } : {}) };
  }
}
