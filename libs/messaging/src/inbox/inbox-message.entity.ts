import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An event a consumer has already applied; written in the same transaction as the effect. */
@Entity({ name: 'inbox' })
export class InboxMessage {
  /** Durable consumer name: the same event is applied once per consumer. */
  @PrimaryColumn('text')
  consumer!: string;

  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'processed_at', type: 'timestamptz', default: () => 'now()' })
  processedAt!: Date;
}
