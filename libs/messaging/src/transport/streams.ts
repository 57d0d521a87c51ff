import { RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from 'nats';
import { deadLetterStreamName, deadLetterStreamSubjects, eventStreamName, eventStreamSubjects } from '@cardshop/contracts';

const nanos = (ms: number): number => ms * 1_000_000;
/** Must cover the longest gap between a publish and its republish after a relay crash. */
const DUPLICATE_WINDOW_MS = 2 * 60_000;
const EVENT_MAX_AGE_MS = 14 * 24 * 3600_000;
const DEAD_LETTER_MAX_AGE_MS = 90 * 24 * 3600_000;

/**
 * Creates the stream if absent, or widens its subjects if it exists. Several processes may race
 * here; the loser of a create race finds the stream on its second look.
 */
export async function ensureStream(jsm: JetStreamManager, name: string, subjects: string[], maxAgeMs = EVENT_MAX_AGE_MS): Promise<void> {
  const config: Partial<StreamConfig> = {
    name,
    subjects,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    // Events are facts kept for replays and late consumers, not forever: the services' own tables
    // are the record. Dead letters wait longer for an operator.
    max_age: nanos(maxAgeMs),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    const info = await jsm.streams.info(name).catch(() => undefined);
    if (info) {
      const missing = subjects.filter((s) => !info.config.subjects.includes(s));
      if (missing.length) await jsm.streams.update(name, { ...info.config, subjects: [...info.config.subjects, ...missing] });
      return;
    }
    try {
      await jsm.streams.add(config);
      return;
    } catch (err) {
      if (attempt === 1) throw err;
    }
  }
}

export const ensureEventStream = (jsm: JetStreamManager, ns: string, context: string): Promise<void> =>
  ensureStream(jsm, eventStreamName(ns, context), eventStreamSubjects(ns, context));

export const ensureDeadLetterStream = (jsm: JetStreamManager, ns: string): Promise<void> =>
  ensureStream(jsm, deadLetterStreamName(ns), deadLetterStreamSubjects(ns), DEAD_LETTER_MAX_AGE_MS);
