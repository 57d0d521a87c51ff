import type { EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { OUTBOX_PENDING } from './outbox';

/**
 * Wakes the relay right after a transaction that wrote to the outbox commits, so events leave
 * within milliseconds instead of waiting for the next polling tick (and never before COMMIT).
 */
export class OutboxCommitSubscriber implements EntitySubscriberInterface {
  constructor(private readonly wake: () => void) {}

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner;
    // A released savepoint also fires this event; only the outermost COMMIT makes rows visible.
    if (runner.isTransactionActive || !runner.data?.[OUTBOX_PENDING]) return;
    delete runner.data[OUTBOX_PENDING];
    this.wake();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) delete event.queryRunner.data?.[OUTBOX_PENDING];
  }
}
