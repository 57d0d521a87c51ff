import { createInbox, type Msg, type MsgHdrs, type NatsConnection } from 'nats';
import { HEADER } from '../messaging.headers';

/** Why a request got no reply: nobody answered in time, nobody listens, or the connection closed. */
export class NoReplyError extends Error {
  constructor(readonly reason: 'timeout' | 'no_responders' | 'closed', subject: string, timeoutMs: number) {
    super(reason === 'timeout' ? `no reply to ${subject} within ${timeoutMs} ms` : reason === 'no_responders' ? `no responder for ${subject}` : `connection closed before ${subject} was answered`);
    this.name = 'NoReplyError';
  }
}

interface Waiting {
  resolve(m: Msg): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  subject: string;
  timeoutMs: number;
}

/**
 * Request/reply over one wildcard inbox subscription per connection: each request is a publish
 * with a reply subject `<inbox>.<token>`, and its reply settles the promise waiting under that
 * token. This is what `nc.request` does too, but that also builds two error objects per request
 * (one to cancel the timer of a request already answered), which on the checkout path cost more
 * CPU than the bookkeeping itself.
 */
export class ReplyInbox {
  private readonly prefix: string;
  private readonly waiting = new Map<string, Waiting>();
  private seq = 0;
  private closed = false;

  constructor(private readonly nc: NatsConnection) {
    this.prefix = `${createInbox()}.`;
    nc.subscribe(`${this.prefix}*`, { callback: (err, m) => (err ? undefined : this.settle(m)) });
    void nc.closed().then(() => {
      this.closed = true;
      for (const [token, w] of this.waiting) this.fail(token, w, 'closed');
    });
  }

  /** Publishes `data` to `subject` and resolves with the first reply, or rejects with a `NoReplyError`. */
  request(subject: string, data: Uint8Array, opts: { timeoutMs: number; headers?: MsgHdrs }): Promise<Msg> {
    if (this.closed) return Promise.reject(new NoReplyError('closed', subject, opts.timeoutMs));
    const token = (this.seq++).toString(36);
    return new Promise<Msg>((resolve, reject) => {
      const w: Waiting = { resolve, reject, subject, timeoutMs: opts.timeoutMs, timer: setTimeout(() => this.fail(token, w, 'timeout'), opts.timeoutMs) };
      this.waiting.set(token, w);
      try {
        this.nc.publish(subject, data, { reply: this.prefix + token, headers: opts.headers });
      } catch (e) {
        clearTimeout(w.timer);
        this.waiting.delete(token);
        reject(e as Error);
      }
    });
  }

  private settle(m: Msg): void {
    const token = m.subject.slice(this.prefix.length);
    const w = this.waiting.get(token);
    if (!w) return; // answered after its timeout
    this.waiting.delete(token);
    clearTimeout(w.timer);
    // The server's own answer when no subscriber matched: a 503 status with no payload.
    if (m.data.length === 0 && m.headers?.code === 503) w.reject(new NoReplyError('no_responders', w.subject, w.timeoutMs));
    else w.resolve(m);
  }

  private fail(token: string, w: Waiting, reason: NoReplyError['reason']): void {
    if (this.waiting.get(token) !== w) return;
    this.waiting.delete(token);
    clearTimeout(w.timer);
    w.reject(new NoReplyError(reason, w.subject, w.timeoutMs));
  }
}

const utf8 = new TextDecoder();
const inboxes = new WeakMap<NatsConnection, ReplyInbox>();

/** The reply inbox of a connection, subscribed on first use. */
export function replyInbox(nc: NatsConnection): ReplyInbox {
  let inbox = inboxes.get(nc);
  if (!inbox) inboxes.set(nc, (inbox = new ReplyInbox(nc)));
  return inbox;
}

/** What JetStream answers to a publish it stored (or recognized as a duplicate within its window). */
export interface StreamAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}

/**
 * Publishes to a JetStream stream and waits for its acknowledgement, with `Nats-Msg-Id` for the
 * server's duplicate window: the same as `js.publish(subject, data, { msgID, headers })`, through
 * the connection's reply inbox (`headers` gets the message id). Rejects when no stream takes the
 * subject or JetStream refuses it. The outbox relay publishes every event through here; the rare
 * dead-letter paths keep the client's `js.publish`.
 */
export async function publishToStream(nc: NatsConnection, subject: string, data: Uint8Array, headers: MsgHdrs, opts: { msgId: string; timeoutMs?: number }): Promise<StreamAck> {
  headers.set(HEADER.msgId, opts.msgId);
  const reply = await replyInbox(nc).request(subject, data, { headers, timeoutMs: opts.timeoutMs ?? 5000 });
  const ack = JSON.parse(utf8.decode(reply.data)) as { stream?: string; seq?: number; duplicate?: boolean; error?: { code?: number; err_code?: number; description?: string } };
  if (ack.error) throw new Error(`JetStream refused the publish to ${subject}: ${ack.error.description ?? 'error'} (${ack.error.err_code ?? ack.error.code ?? '?'})`);
  if (!ack.stream) throw new Error(`JetStream answered the publish to ${subject} without a stream`);
  return { stream: ack.stream, seq: ack.seq ?? 0, duplicate: ack.duplicate === true };
}
