import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An event waiting to be (or recently) published. Written in the same transaction as the state
 * change it reports; the relay publishes it with `Nats-Msg-Id` = `id` and stamps `publishedAt`.
 */
@Entity({ name: 'outbox' })
@Index('outbox_unpublished_idx', ['createdAt'], { where: 'published_at IS NULL' })
export class OutboxMessage {
  /** The event id: the `Nats-Msg-Id` that lets JetStream drop a republish. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  subject!: string;

  @Column('text')
  pattern!: string;

  @Column('bytea')
  payload!: Buffer;

  /** NATS headers captured at enqueue time (trace context, correlation and causation ids). */
  @Column('jsonb')
  headers!: Record<string, string>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
