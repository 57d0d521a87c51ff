import { type HttpRequest, unauthorized } from '@cardshop/platform';

/** The bearer token of a request; EventSource cannot set headers, so SSE may pass `?token=`. */
export function bearerToken(req: HttpRequest, allowQuery = false): string {
  const h = req.headers.authorization;
  if (h && /^bearer /i.test(h)) return h.slice(7).trim();
  if (allowQuery && typeof req.query.token === 'string') return req.query.token;
  throw unauthorized('AUTH.TOKEN_REQUIRED', 'send Authorization: Bearer <token>');
}
