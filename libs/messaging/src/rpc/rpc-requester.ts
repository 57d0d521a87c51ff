import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, type Msg, type NatsConnection } from 'nats';
import type { Codec } from '../codec';
import { HEADER, outgoingHeaders } from '../messaging.headers';
import { MessagingError, RpcTimeoutError } from '../messaging.errors';
import { rpcSubject } from '@cardshop/contracts';
import { inClientSpan } from '../transport/trace-context';
import { openReply } from './rpc-envelope';
import { NoReplyError, replyInbox } from './reply-inbox';

export interface RequestOptions {
  /** Give up after this long (default: the client's, 5 s) with `MESSAGING.TIMEOUT`. */
  timeoutMs?: number;
  /** Extra headers; they override the generated ones. */
  headers?: Record<string, string>;
}

/** Core NATS request/reply with the Cardshop envelope, headers and error mapping. */
export class RpcRequester {
  constructor(
    private readonly connection: () => Promise<NatsConnection>,
    private readonly namespace: string,
    private readonly codec: Codec,
    private readonly defaultTimeoutMs: number,
  ) {}

  request<T>(pattern: string, data: unknown, opts: RequestOptions = {}): Promise<T> {
    return inClientSpan(`request ${pattern}`, async () => {
      const timeout = opts.timeoutMs ?? this.defaultTimeoutMs;
      const h = natsHeaders();
      for (const [k, v] of Object.entries(outgoingHeaders(opts.headers))) h.set(k, v);
      if (!h.has(HEADER.messageId)) h.set(HEADER.messageId, randomUUID());
      const nc = await this.connection();
      let reply: Msg;
      try {
        reply = await replyInbox(nc).request(rpcSubject(this.namespace, pattern), this.codec.encode(pattern, data), { timeoutMs: timeout, headers: h });
      } catch (err) {
        throw mapRequestError(pattern, timeout, err as Error);
      }
      return openReply(pattern, reply, this.codec) as T;
    });
  }
}

function mapRequestError(pattern: string, timeoutMs: number, err: Error): Error {
  if (err instanceof NoReplyError && err.reason !== 'closed') return new RpcTimeoutError(pattern, err.reason, timeoutMs, { cause: err });
  return new MessagingError('MESSAGING.UNAVAILABLE', `request ${pattern}: ${err.message}`, true, { cause: err });
}
