import type { EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { OUTBOX_PENDING, type PendingOutboxRow } from './outbox';

/**
 * Hands the rows a transaction wrote to the outbox to the relay right after it commits, so events
 * leave within milliseconds instead of waiting for the next polling tick (and never before COMMIT).
 */
export class OutboxCommitSubscriber implements EntitySubscriberInterface {
  constructor(private readonly committed: (rows: PendingOutboxRow[]) => void) {}

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner;
    // A released savepoint also fires this event; only the outermost COMMIT makes rows visible.
    const rows = runner.data?.[OUTBOX_PENDING] as PendingOutboxRow[] | undefined;
    if (runner.isTransactionActive || !rows) return;
    delete runner.data[OUTBOX_PENDING];
    this.committed(rows);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) delete event.queryRunner.data?.[OUTBOX_PENDING];
  }
}
