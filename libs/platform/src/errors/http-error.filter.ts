import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isCodedError } from './app-error';

const HTTP_CODES: Record<number, string> = {
  400: 'REQUEST.INVALID',
  401: 'AUTH.UNAUTHORIZED',
  403: 'AUTH.FORBIDDEN',
  404: 'ROUTE.NOT_FOUND',
  405: 'REQUEST.METHOD_NOT_ALLOWED',
  413: 'REQUEST.TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
};

/**
 * Turns every error on an HTTP route into `{ error: { code, message, details? } }`. Coded errors
 * keep their code and status; malformed bodies and unknown routes become 4xx; anything else is a
 * 500 whose details stay in the log, never in the response.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('HttpErrorFilter');

  catch(err: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw err;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    const { status, body } = toHttpError(err);
    if (status >= 500) this.log.error({ err }, 'unhandled error on HTTP route');
    // A rate limit says when to come back (RFC 9110 Retry-After), from `details.retryAfterSeconds`.
    const retryAfter = (body.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (status === 429 && typeof retryAfter === 'number') reply.header('Retry-After', String(Math.ceil(retryAfter)));
    // Fastify closes the connection after a body it would not take (too large, compressed, not
    // parseable), since the client may still be sending it; a client still sending then meets a
    // reset instead of this answer (fetch: EPIPE). Every 4xx goes through here, so this is the one
    // place to keep it open: Node's server then reads and discards the rest of the body before the
    // next request, and the client gets its 4xx.
    if (status < 500 && reply.getHeader('connection') === 'close') reply.removeHeader('connection');
    void reply.status(status).send({ error: body });
  }
}

export function toHttpError(err: unknown): { status: number; body: { code: string; message: string; details?: unknown } } {
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const r = err.getResponse();
    const message = typeof r === 'string' ? r : String((r as { message?: unknown }).message ?? err.message);
    return { status, body: { code: HTTP_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'REQUEST.INVALID'), message } };
  }
  // Errors of the HTTP layer itself (Fastify's: body too large, bad Content-Length, …) carry a 4xx
  // `statusCode`: they are the caller's fault, never a 500.
  const layer = err as { name?: unknown; statusCode?: unknown; message?: unknown };
  if (layer?.name === 'FastifyError' && typeof layer.statusCode === 'number' && layer.statusCode >= 400 && layer.statusCode < 500) {
    return { status: layer.statusCode, body: { code: HTTP_CODES[layer.statusCode] ?? 'REQUEST.INVALID', message: String(layer.message) } };
  }
  if (isCodedError(err)) {
    const status = err.status && err.status >= 400 && err.status < 600 ? err.status : 500;
    const body = { code: err.code, message: status >= 500 && !err.retryable ? 'internal error' : err.message, ...(err.details !== undefined ? { details: err.details } : {}) };
    return { status, body };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'internal error' } };
}
