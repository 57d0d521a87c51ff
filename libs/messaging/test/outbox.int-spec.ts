import type { DataSource } from 'typeorm';
import { ensureEventStream, NatsConnectionProvider, Outbox, OutboxRelay } from '../src';
import { eventStreamName, eventSubject } from '@cardshop/contracts';
import { IntHarness, NATS_URL, pollUntil } from './support/int-harness';

const PATTERN = 'orders.v1.OrderPlaced';

jest.setTimeout(20_000);

describe('transactional outbox', () => {
  const h = new IntHarness();
  let ds: DataSource;
  let connection: NatsConnectionProvider;
  const relays: OutboxRelay[] = [];
  const stream = () => eventStreamName(h.namespace, 'orders');

  const newRelay = (dataSource = ds) => {
    const relay = new OutboxRelay(dataSource, { namespace: h.namespace, connection, intervalMs: 50 });
    relays.push(relay);
    return relay;
  };
  /** A relay that publishes on commit only (its polling interval is a minute away), and an outbox that wakes it. */
  const relayOnCommit = (options: { publishIntervalMs?: number } = {}) => {
    const relay = new OutboxRelay(ds, { namespace: h.namespace, connection, intervalMs: 60_000, ...options });
    relays.push(relay);
    const outbox = new Outbox({ namespace: h.namespace }, (rows) => relay.publishCommitted(rows));
    relay.start();
    return { relay, outbox };
  };
  const publishedIds = async () => (await h.storedMessages(stream())).map((m) => m.header.get('Nats-Msg-Id'));
  const isPublished = async (id: string) =>
    (await ds.query(`SELECT 1 FROM "${h.schema}".outbox WHERE id = $1 AND published_at IS NOT NULL`, [id])).length === 1;

  beforeAll(async () => {
    await h.setup();
    ds = await h.dataSource();
    connection = new NatsConnectionProvider({ servers: NATS_URL, name: 'outbox-test' });
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
  });

  afterAll(async () => {
    await connection.close();
    await h.dispose();
  });

  it('an event enqueued in a rolled-back transaction is never published', async () => {
    const relay = newRelay();
    const outbox = new Outbox({ namespace: h.namespace }, (rows) => relay.publishCommitted(rows));
    relay.start();
    let rolledBackId = '';
    await expect(
      ds.transaction(async (m) => {
        rolledBackId = await outbox.enqueue(m, PATTERN, { orderId: 'rolled-back' });
        throw new Error('business rule failed after enqueue');
      }),
    ).rejects.toThrow('business rule failed');
    // A later committed event proves the relay has passed over the rolled-back one.
    const committedId = await ds.transaction((m) => outbox.enqueue(m, PATTERN, { orderId: 'committed' }));

    await pollUntil('committed event published', async () => (await publishedIds()).includes(committedId));
    expect(await publishedIds()).not.toContain(rolledBackId);
    expect(await ds.query(`SELECT 1 FROM "${h.schema}".outbox WHERE id = $1`, [rolledBackId])).toHaveLength(0);
  });

  it('a crash between commit and publish still publishes each event exactly once', async () => {
    const outbox = new Outbox({ namespace: h.namespace });
    // Committed while no relay runs (the process died right after COMMIT).
    const notYetPublished = await ds.transaction((m) => outbox.enqueue(m, PATTERN, { orderId: 'crash-before-publish' }));
    // Committed, then published by a relay that died before marking the row.
    const publishedBeforeCrash = await ds.transaction((m) => outbox.enqueue(m, PATTERN, { orderId: 'crash-before-mark' }));
    await ensureEventStream(h.jsm, h.namespace, 'orders');
    const [row] = await ds.query(`SELECT subject, payload FROM "${h.schema}".outbox WHERE id = $1`, [publishedBeforeCrash]);
    await h.nc.jetstream().publish(row.subject, row.payload, { msgID: publishedBeforeCrash });
    expect(await isPublished(notYetPublished)).toBe(false);

    newRelay().start();

    await pollUntil('both rows marked published', async () => (await isPublished(notYetPublished)) && (await isPublished(publishedBeforeCrash)));
    const ids = await publishedIds();
    expect(ids.filter((id) => id === notYetPublished)).toHaveLength(1);
    expect(ids.filter((id) => id === publishedBeforeCrash)).toHaveLength(1);
  });

  it('a commit wakes the relay without waiting for the polling interval', async () => {
    const { outbox } = relayOnCommit();
    const id = await ds.transaction((m) => outbox.enqueue(m, PATTERN, { orderId: 'woken' }));
    await pollUntil('event published on commit', () => isPublished(id), 3000);
  });

  it('paced: a commit after a quiet spell is published at once, and stopping publishes what waits for the next turn', async () => {
    const { relay, outbox } = relayOnCommit({ publishIntervalMs: 60_000 });
    const first = await ds.transaction((m) => outbox.enqueue(m, PATTERN, { orderId: 'paced-1' }));
    await pollUntil('the first event published without waiting a turn', () => isPublished(first), 3000);
    // These two wait for the next turn, a minute away (the turns themselves: pacer.spec.ts).
    const later = [
      await ds.transaction((m) => outbox.enqueue(m, PATTERN, { orderId: 'paced-2' })),
      await ds.transaction((m) => outbox.enqueue(m, PATTERN, { orderId: 'paced-3' })),
    ];
    await relay.stop();
    const ids = await publishedIds();
    for (const id of [first, ...later]) {
      expect(ids.filter((x) => x === id)).toHaveLength(1);
      expect(await isPublished(id)).toBe(true);
    }
  });

  it('withEvents writes the events in the statement itself, only when the statement returns rows', async () => {
    const { outbox } = relayOnCommit();
    await ds.query(`CREATE TABLE IF NOT EXISTS "${h.schema}".things (id text PRIMARY KEY)`);
    const insertOnce = (id: string, eventId: string) =>
      outbox.withEvents<{ id: string }>(
        ds,
        `WITH t AS (INSERT INTO "${h.schema}".things (id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id) SELECT id FROM t`,
        [id],
        [{ pattern: PATTERN, data: { orderId: id }, opts: { eventId } }],
      );
    const [first, second] = [crypto.randomUUID(), crypto.randomUUID()];
    expect(await insertOnce('thing-1', first)).toEqual([{ id: 'thing-1' }]);
    // The same change again returns no row: no event is written for it.
    expect(await insertOnce('thing-1', second)).toEqual([]);
    await pollUntil('the event of the change published', () => isPublished(first), 3000);
    expect(await ds.query(`SELECT 1 FROM "${h.schema}".outbox WHERE id = $1`, [second])).toHaveLength(0);
    expect(await publishedIds()).toContain(first);
  });

  it('withKeyedEvents writes and publishes the event of each thing the statement changed, and none for the others', async () => {
    const { outbox } = relayOnCommit();
    await ds.query(`CREATE TABLE IF NOT EXISTS "${h.schema}".keyed_things (id text PRIMARY KEY)`);
    await ds.query(`INSERT INTO "${h.schema}".keyed_things (id) VALUES ('old')`);
    const events = { old: crypto.randomUUID(), new1: crypto.randomUUID(), new2: crypto.randomUUID() };
    const out = await outbox.withKeyedEvents<{ id: string }>(
      ds,
      `WITH t AS (INSERT INTO "${h.schema}".keyed_things (id) SELECT * FROM unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING id) SELECT id FROM t`,
      [Object.keys(events)],
      'id',
      Object.entries(events).map(([key, eventId]) => ({ key, pattern: PATTERN, data: { orderId: key }, opts: { eventId } })),
    );
    expect(out.map((r) => r.id).sort()).toEqual(['new1', 'new2']);
    await pollUntil('the events of the new things published', async () => (await isPublished(events.new1)) && (await isPublished(events.new2)), 3000);
    expect(await ds.query(`SELECT 1 FROM "${h.schema}".outbox WHERE id = $1`, [events.old])).toHaveLength(0);
    expect(await publishedIds()).not.toContain(events.old);
  });

  it('withEvents inside a transaction publishes only after COMMIT, and nothing after ROLLBACK', async () => {
    const relay = newRelay();
    const outbox = new Outbox({ namespace: h.namespace }, (rows) => relay.publishCommitted(rows));
    relay.start();
    const [kept, dropped] = [crypto.randomUUID(), crypto.randomUUID()];
    await expect(ds.transaction(async (m) => {
      await outbox.withEvents(m, 'SELECT 1 AS one', [], [{ pattern: PATTERN, data: { orderId: 'dropped' }, opts: { eventId: dropped } }]);
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    await ds.transaction((m) => outbox.withEvents(m, 'SELECT 1 AS one', [], [{ pattern: PATTERN, data: { orderId: 'kept' }, opts: { eventId: kept } }]));
    await pollUntil('the committed event published', () => isPublished(kept), 3000);
    expect(await publishedIds()).not.toContain(dropped);
  });

  it('two relay instances on one outbox publish every event exactly once', async () => {
    const outbox = new Outbox({ namespace: h.namespace });
    const ids = await ds.transaction(async (m) => {
      const out: string[] = [];
      for (let i = 0; i < 300; i++) out.push(await outbox.enqueue(m, PATTERN, { orderId: `bulk-${i}` }));
      return out;
    });
    const second = await h.dataSource(false);
    newRelay().start();
    newRelay(second).start();
    await pollUntil('all rows published', async () => {
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM "${h.schema}".outbox WHERE published_at IS NULL`);
      return n === 0;
    });
    const published = new Set(await publishedIds());
    expect(ids.every((id) => published.has(id))).toBe(true);
    const subjectCount = (await h.jsm.streams.info(stream(), { subjects_filter: eventSubject(h.namespace, PATTERN) })).state.subjects;
    expect(subjectCount?.[eventSubject(h.namespace, PATTERN)]).toBe(published.size);
  });
});
