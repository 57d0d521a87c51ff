import { connect, headers, type NatsConnection } from 'nats';
import { NoReplyError, publishToStream, ReplyInbox, replyInbox } from '../src/rpc/reply-inbox';
import { IntHarness, NATS_URL } from './support/int-harness';

jest.setTimeout(20_000);

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('reply inbox (request/reply and JetStream publish over one inbox subscription)', () => {
  const h = new IntHarness();
  let nc: NatsConnection;

  beforeAll(async () => {
    await h.setup();
    nc = await connect({ servers: NATS_URL });
    // A responder that echoes upper-cased after the delay the request names, with a header.
    h.nc.subscribe(`${h.namespace}.echo`, {
      callback: (_e, m) => {
        const [word, delay] = text(m.data).split(':');
        const hdr = headers();
        hdr.set('Echo-Of', m.headers?.get('X-Asked') ?? '');
        setTimeout(() => m.respond(bytes(word.toUpperCase()), { headers: hdr }), Number(delay ?? 0));
      },
    });
    // One that never answers.
    h.nc.subscribe(`${h.namespace}.silent`, { callback: () => undefined });
    await h.nc.flush();
  });

  afterAll(async () => {
    await nc.close();
    await h.dispose();
  });

  it('each of many concurrent requests gets its own reply, headers included', async () => {
    const words = Array.from({ length: 200 }, (_, i) => `w${i}`);
    const replies = await Promise.all(words.map((w, i) => {
      const hdr = headers();
      hdr.set('X-Asked', w);
      return replyInbox(nc).request(`${h.namespace}.echo`, bytes(`${w}:${i % 7}`), { timeoutMs: 5000, headers: hdr });
    }));
    expect(replies.map((m) => text(m.data))).toEqual(words.map((w) => w.toUpperCase()));
    expect(replies.map((m) => m.headers?.get('Echo-Of'))).toEqual(words);
    expect(replyInbox(nc)).toBe(replyInbox(nc));
  });

  it('a reply that comes after the timeout is dropped, and the inbox keeps working', async () => {
    const lateSent = new Promise<void>((resolve) => {
      const watch = h.nc.subscribe('_INBOX.>', { callback: (_e, m) => (text(m.data) === 'LATE' ? (watch.unsubscribe(), resolve()) : undefined) });
    });
    await h.nc.flush();
    const late = replyInbox(nc).request(`${h.namespace}.echo`, bytes('late:400'), { timeoutMs: 50 });
    await expect(late).rejects.toMatchObject({ name: 'NoReplyError', reason: 'timeout' });
    await lateSent;
    await nc.flush(); // the late reply has reached the inbox by now
    const next = await replyInbox(nc).request(`${h.namespace}.echo`, bytes('next:0'), { timeoutMs: 5000 });
    expect(text(next.data)).toBe('NEXT');
  });

  it('a subject nobody listens to fails with no_responders (the server says so), not a timeout', async () => {
    await expect(replyInbox(nc).request(`${h.namespace}.nobody`, bytes('x'), { timeoutMs: 10_000 })).rejects.toMatchObject({ reason: 'no_responders' });
  });

  it('requests still waiting when the connection closes fail with closed, and later ones too', async () => {
    const own = await connect({ servers: NATS_URL });
    const inbox = new ReplyInbox(own);
    const waiting = inbox.request(`${h.namespace}.silent`, bytes('x'), { timeoutMs: 10_000 });
    await own.flush();
    await own.close();
    await expect(waiting).rejects.toMatchObject({ reason: 'closed' });
    await expect(inbox.request(`${h.namespace}.echo`, bytes('x'), { timeoutMs: 1000 })).rejects.toBeInstanceOf(NoReplyError);
  });

  it('publishes to a stream with its message id: stored once, a repeat is a duplicate, a subject without a stream is refused', async () => {
    const stream = `${h.namespace}_INBOX_TEST`;
    await h.jsm.streams.add({ name: stream, subjects: [`${h.namespace}.stored.>`] });
    const first = await publishToStream(nc, `${h.namespace}.stored.a`, bytes('one'), headers(), { msgId: 'evt-1' });
    const again = await publishToStream(nc, `${h.namespace}.stored.a`, bytes('one'), headers(), { msgId: 'evt-1' });
    const second = await publishToStream(nc, `${h.namespace}.stored.a`, bytes('two'), headers(), { msgId: 'evt-2' });
    expect(first).toEqual({ stream, seq: 1, duplicate: false });
    expect(again).toEqual({ stream, seq: 1, duplicate: true });
    expect(second).toEqual({ stream, seq: 2, duplicate: false });
    expect((await h.jsm.streams.info(stream)).state.messages).toBe(2);
    await expect(publishToStream(nc, `${h.namespace}.unstored`, bytes('x'), headers(), { msgId: 'evt-3' })).rejects.toMatchObject({ reason: 'no_responders' });
    await h.jsm.streams.delete(stream);
  });
});
