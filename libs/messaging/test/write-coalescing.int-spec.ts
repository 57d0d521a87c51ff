import { connect, type NatsConnection, type Subscription } from 'nats';
import { randomBytes } from 'node:crypto';
import { coalesceWrites } from '../src/nats-write-coalescing';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** Counts the socket writes the client makes, at its transport. */
function countWrites(nc: NatsConnection): () => number {
  const transport = (nc as unknown as { protocol: { transport: { send(frame: Uint8Array): void } } }).protocol.transport;
  const send = transport.send.bind(transport);
  let writes = 0;
  transport.send = (frame: Uint8Array) => {
    writes++;
    send(frame);
  };
  return () => writes;
}

/** 100 publishes, each in its own microtask, as replies to separate I/O callbacks would be. */
async function publishApart(nc: NatsConnection, subject: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await Promise.resolve();
    nc.publish(subject, new TextEncoder().encode(String(i)));
  }
}

async function received(sub: Subscription, n: number): Promise<string[]> {
  const got: string[] = [];
  for await (const m of sub) {
    got.push(new TextDecoder().decode(m.data));
    if (got.length === n) break;
  }
  return got;
}

describe('NATS write coalescing (real server)', () => {
  let publisher: NatsConnection;
  let listener: NatsConnection;

  beforeEach(async () => {
    publisher = await connect({ servers, noAsyncTraces: true });
    listener = await connect({ servers });
  });

  afterEach(async () => {
    await publisher?.close();
    await listener?.close();
  });

  /** 100 publishes made apart, with or without coalescing: how many writes, and what arrived. */
  async function burst(coalesce: boolean): Promise<{ writes: number; got: string[] }> {
    if (coalesce) expect(coalesceWrites(publisher)).toBe(true);
    const subject = `coalesce.${randomBytes(4).toString('hex')}`;
    const sub = listener.subscribe(subject, { max: 100 });
    await listener.flush();
    const writes = countWrites(publisher);
    await publishApart(publisher, subject);
    await publisher.flush();
    return { writes: writes(), got: await received(sub, 100) };
  }

  it('without it, nats.js writes once per microtask: 100 publishes apart make ~100 writes', async () => {
    const { writes, got } = await burst(false);
    expect(writes).toBeGreaterThanOrEqual(90);
    expect(got).toHaveLength(100);
  });

  it('with it, the same 100 publishes go out in one or two writes, all of them, in order', async () => {
    const { writes, got } = await burst(true);
    expect(writes).toBeLessThanOrEqual(3);
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
  });

  it('request/reply still works, and a connection of another shape is left alone', async () => {
    expect(coalesceWrites(publisher)).toBe(true);
    expect(coalesceWrites(listener)).toBe(true);
    const subject = `coalesce.rpc.${randomBytes(4).toString('hex')}`;
    const sub = listener.subscribe(subject, { callback: (_err, m) => m.respond(m.data) });
    await listener.flush();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => publisher.request(subject, new TextEncoder().encode(`q${i}`), { timeout: 5000 })));
    expect(answers.map((a) => new TextDecoder().decode(a.data))).toEqual(Array.from({ length: 20 }, (_, i) => `q${i}`));
    sub.unsubscribe();
    expect(coalesceWrites({} as NatsConnection)).toBe(false);
  });
});
