import { randomUUID } from 'node:crypto';
import { ErrorCode, headers as natsHeaders, type Msg, type NatsConnection, type NatsError } from 'nats';
import type { Codec } from '../codec';
import { HEADER, outgoingHeaders } from '../messaging.headers';
import { MessagingError, RpcTimeoutError } from '../messaging.errors';
import { rpcSubject } from '@cardshop/contracts';
import { inClientSpan } from '../transport/trace-context';
import { openReply } from './rpc-envelope';

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
        reply = await nc.request(rpcSubject(this.namespace, pattern), this.codec.encode(pattern, data), { timeout, headers: h });
      } catch (err) {
        throw mapRequestError(pattern, timeout, err as NatsError);
      }
      return openReply(pattern, reply, this.codec) as T;
    });
  }
}

function mapRequestError(pattern: string, timeoutMs: number, err: NatsError): Error {
  if (err.code === ErrorCode.NoResponders) return new RpcTimeoutError(pattern, 'no_responders', timeoutMs, { cause: err });
  if (err.code === ErrorCode.Timeout) return new RpcTimeoutError(pattern, 'timeout', timeoutMs, { cause: err });
  return new MessagingError('MESSAGING.UNAVAILABLE', `request ${pattern}: ${err.message}`, true, { cause: err });
}
