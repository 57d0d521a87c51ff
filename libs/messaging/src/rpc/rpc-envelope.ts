import { RpcException } from '@nestjs/microservices';
import { headers as natsHeaders, type Msg, type MsgHdrs } from 'nats';
import type { Codec } from '../codec';
import { HEADER } from '../messaging.headers';
import { RpcRemoteError } from '../messaging.errors';

/**
 * Reply envelope. The `Cardshop-Reply` header says which arm it is, so a successful reply's body
 * is the codec bytes as they are (no base64, no second JSON pass on the hot path):
 *   `Cardshop-Reply: data` → body = codec.encode(pattern, result)
 *   `Cardshop-Reply: err`  → body = JSON `{ "err": { code, message, status?, details?, retryable? } }`
 */
export interface WireError {
  code: string;
  message: string;
  status?: number;
  details?: unknown;
  retryable?: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const INTERNAL: WireError = { code: 'INTERNAL', message: 'internal error' };

/**
 * Errors (or Nest `RpcException` payloads) with a string `code` keep code, message, numeric
 * status, details and retryable; anything else becomes `INTERNAL` without its message, because
 * an unexpected error's text may hold internals that must not cross a service boundary.
 */
export function toWireError(error: unknown): WireError {
  const err = error instanceof RpcException ? error.getError() : error;
  if (typeof err !== 'object' || err === null) return INTERNAL;
  const e = err as Record<string, unknown>;
  if (typeof e.code !== 'string') return INTERNAL;
  const wire: WireError = { code: e.code, message: typeof e.message === 'string' ? e.message : e.code };
  if (typeof e.status === 'number') wire.status = e.status;
  if (e.details !== undefined) wire.details = e.details;
  if (typeof e.retryable === 'boolean') wire.retryable = e.retryable;
  return wire;
}

export function dataReply(bytes: Uint8Array): { body: Uint8Array; headers: MsgHdrs } {
  const h = natsHeaders();
  h.set(HEADER.reply, 'data');
  return { body: bytes, headers: h };
}

export function errorReply(err: WireError): { body: Uint8Array; headers: MsgHdrs } {
  const h = natsHeaders();
  h.set(HEADER.reply, 'err');
  return { body: encoder.encode(JSON.stringify({ err })), headers: h };
}

/** Returns the decoded result of a reply, or throws the remote error as an `RpcRemoteError`. */
export function openReply(pattern: string, msg: Msg, codec: Codec): unknown {
  const kind = msg.headers?.has(HEADER.reply) ? msg.headers.get(HEADER.reply) : undefined;
  if (kind === 'data') return codec.decode(pattern, msg.data);
  let err: WireError = { code: 'MESSAGING.BAD_REPLY', message: `reply to ${pattern} is not a Cardshop reply` };
  if (kind === 'err') {
    try {
      err = (JSON.parse(decoder.decode(msg.data)) as { err: WireError }).err;
    } catch {
      // keep BAD_REPLY: a malformed error body must not hide that the call failed
    }
  }
  throw new RpcRemoteError(pattern, err.code, err.message, err.status, err.details, err.retryable ?? false);
}
