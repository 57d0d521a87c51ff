import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
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
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const { status, body } = toHttpError(err);
    if (status >= 500) this.log.error({ err }, 'unhandled error on HTTP route');
    // A rate limit says when to come back (RFC 9110 Retry-After), from `details.retryAfterSeconds`.
    const retryAfter = (body.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (status === 429 && typeof retryAfter === 'number') res.setHeader('Retry-After', String(Math.ceil(retryAfter)));
    res.status(status).json({ error: body });
  }
}

export function toHttpError(err: unknown): { status: number; body: { code: string; message: string; details?: unknown } } {
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const r = err.getResponse();
    const message = typeof r === 'string' ? r : String((r as { message?: unknown }).message ?? err.message);
    return { status, body: { code: HTTP_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'REQUEST.INVALID'), message } };
  }
  // Body-parser errors (bad JSON, unknown charset or encoding, too large, too many fields) carry a
  // string `type` and a 4xx `status`: they are the caller's fault, never a 500.
  const parser = err as { type?: unknown; status?: unknown; message?: unknown };
  if (typeof parser?.type === 'string' && typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
    const status = parser.status === 400 ? 400 : parser.status;
    const code = status === 400 ? 'REQUEST.MALFORMED_BODY' : HTTP_CODES[status] ?? 'REQUEST.INVALID';
    return { status, body: { code, message: status === 400 ? 'the request body could not be parsed' : String(parser.message ?? code) } };
  }
  if (isCodedError(err)) {
    const status = err.status && err.status >= 400 && err.status < 600 ? err.status : 500;
    const body = { code: err.code, message: status >= 500 && !err.retryable ? 'internal error' : err.message, ...(err.details !== undefined ? { details: err.details } : {}) };
    return { status, body };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'internal error' } };
}
