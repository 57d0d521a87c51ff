import { Injectable } from '@nestjs/common';
import { BoundedMap } from '@cardshop/platform';

/** What a confirmation needs of its attempt; none of it changes once the attempt exists. */
export interface AttemptFacts { id: string; order_id: string; channel: string; amount_minor: string; currency: string; seller_id: string; traceparent: string | null }

/** How many created attempts this replica remembers (a few hundred bytes each); older ones are read. */
const REMEMBERED = 20_000;

/**
 * The attempts this replica created at a provider, by provider and reference: a confirmation of one
 * of them is applied without reading the attempt back first. Others (another replica's, one from
 * before a restart, one pushed out of the bounded memory) are read from the database.
 */
@Injectable()
export class CreatedAttempts {
  private readonly created = new BoundedMap<string, AttemptFacts>(REMEMBERED);

  remember(provider: string, merchantReference: string, facts: AttemptFacts): void {
    this.created.set(`${provider}\n${merchantReference}`, facts);
  }

  recall(provider: string, merchantReference: string): AttemptFacts | undefined {
    return this.created.get(`${provider}\n${merchantReference}`);
  }
}
