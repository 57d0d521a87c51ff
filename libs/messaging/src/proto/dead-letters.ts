import { Controller, Inject, Injectable, OnModuleInit, Param, ParseIntPipe, Post, UseGuards } from '@nestjs/common';
import { headers as natsHeaders, type StoredMsg } from 'nats';
import { AppError, notFound, OpsGuard, OpsRegistry, type OpsSection } from '@cardshop/platform';
import { deadLetterStreamName } from '@cardshop/contracts';
import { HEADER } from '../messaging.headers';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from '../messaging.module';
import { NatsConnectionProvider } from '../nats-connection.provider';

/** How far back the ops page looks in the dead-letter stream. */
const SCAN = 500;

interface DeadLetter { seq: number; consumer: string; pattern: string; eventId: string; error: string; code: string; at: string }

/**
 * This service's dead letters: events its handlers gave up on, shown on its ops page and
 * replayable by an operator once the cause is fixed. Replay republishes the original event with
 * its original id to its original subject: consumers that already applied it skip it (inbox).
 */
@Injectable()
export class DeadLetters implements OnModuleInit {
  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    private readonly nats: NatsConnectionProvider,
    private readonly ops: OpsRegistry,
  ) {}

  onModuleInit(): void {
    this.ops.add(this);
  }

  async sections(): Promise<OpsSection[]> {
    const letters = await this.recent(20).catch(() => []);
    return [{ title: 'Dead letters (events this service gave up on; replay with POST /ops/dead-letters/<seq>/replay)', kind: 'table', rows: letters.map((l) => ({ ...l })), empty: 'none' }];
  }

  async recent(limit: number): Promise<DeadLetter[]> {
    const jsm = await (await this.nats.get()).jetstreamManager();
    const stream = deadLetterStreamName(this.options.namespace);
    const info = await jsm.streams.info(stream).catch(() => undefined);
    if (!info || info.state.messages === 0) return [];
    const out: DeadLetter[] = [];
    for (let seq = info.state.last_seq; seq >= Math.max(info.state.first_seq, info.state.last_seq - SCAN) && out.length < limit; seq--) {
      const m = await jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
      const letter = m && this.mine(m);
      if (letter) out.push(letter);
    }
    return out;
  }

  async replay(seq: number): Promise<{ replayed: boolean; subject: string; eventId: string }> {
    const nc = await this.nats.get();
    const m = await (await nc.jetstreamManager()).streams.getMessage(deadLetterStreamName(this.options.namespace), { seq }).catch(() => undefined);
    const letter = m && this.mine(m);
    if (!m || !letter) throw notFound('DEAD_LETTER.NOT_FOUND', `no dead letter ${seq} of ${this.options.serviceName}`);
    const subject = m.header.get(HEADER.originalSubject);
    const h = natsHeaders();
    for (const k of m.header.keys()) if (!k.startsWith('Cardshop-Error') && k !== HEADER.originalSubject && k !== HEADER.deliveryCount) h.set(k, m.header.get(k));
    h.set(HEADER.msgId, letter.eventId);
    const ack = await nc.jetstream().publish(subject, m.data, { headers: h, msgID: letter.eventId });
    if (ack.duplicate) throw new AppError('DEAD_LETTER.TOO_SOON', 'JetStream still remembers this event id; replay again in two minutes', 409, true);
    return { replayed: true, subject, eventId: letter.eventId };
  }

  private mine(m: StoredMsg): DeadLetter | undefined {
    const consumer = m.subject.split('.')[2] ?? '';
    if (!consumer.startsWith(`${this.options.serviceName}__`)) return undefined;
    return {
      seq: m.seq, consumer, pattern: m.subject.split('.').slice(3).join('.'), eventId: m.header.get('Cardshop-Event-Id'),
      error: m.header.get(HEADER.error).slice(0, 200), code: m.header.get(HEADER.errorCode), at: m.time.toISOString(),
    };
  }
}

@Controller('ops/dead-letters')
@UseGuards(OpsGuard)
export class DeadLettersController {
  constructor(private readonly letters: DeadLetters) {}

  @Post(':seq/replay')
  replay(@Param('seq', ParseIntPipe) seq: number) {
    return this.letters.replay(seq);
  }
}
