import { type HttpRequest, unauthorized } from '@cardshop/platform';

/** A request header's value; a repeated header counts by its first value. */
export function header(req: HttpRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The bearer token of a request; EventSource cannot set headers, so SSE may pass `?token=`. */
export function bearerToken(req: HttpRequest, allowQuery = false): string {
  const h = req.headers.authorization;
  if (h && /^bearer /i.test(h)) return h.slice(7).trim();
  if (allowQuery && typeof req.query.token === 'string') return req.query.token;
  throw unauthorized('AUTH.TOKEN_REQUIRED', 'send Authorization: Bearer <token>');
}
