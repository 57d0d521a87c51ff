import type { DataSource, EntityManager } from 'typeorm';
import { quotedTable } from '../table-path';
import type { JetStreamContext } from '../transport/jetstream.context';
import { InboxMessage } from './inbox-message.entity';

/** What `Inbox.runOnce` did: ran the work, or recognised the event as already applied. */
export type InboxResult<T> = { duplicate: false; value: T } | { duplicate: true };

/**
 * Makes an event handler's effect happen once per consumer, however often JetStream delivers
 * the event: the inbox row and the effect commit (or roll back) together.
 */
export class Inbox {
  /**
   * In one transaction: records `(ctx.consumer, ctx.eventId)`; if it was already recorded,
   * skips `work` and returns `{ duplicate: true }`; otherwise runs `work` with the same manager.
   * A concurrent second delivery waits on the first one's row lock and then sees the duplicate.
   * If `work` throws, nothing is recorded and the error propagates (so the event is retried).
   */
  runOnce<T>(dataSource: DataSource, ctx: Pick<JetStreamContext, 'consumer' | 'eventId'>, work: (manager: EntityManager) => Promise<T>): Promise<InboxResult<T>> {
    const table = quotedTable(dataSource, InboxMessage);
    return dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO ${table} (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
        [ctx.consumer, ctx.eventId],
      );
      if (inserted.length === 0) return { duplicate: true } as const;
      return { duplicate: false, value: await work(manager) } as const;
    });
  }
}
