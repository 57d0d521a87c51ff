import type { HttpRequest } from '@cardshop/platform';

/**
 * The URL merchants and buyers reach this sandbox at: SANDBOX_PUBLIC_URL when set (behind a
 * proxy, or for phones on the LAN), else the host the request came in on.
 */
export function sandboxBaseUrl(req: HttpRequest): string {
  const configured = process.env.SANDBOX_PUBLIC_URL;
  if (configured) return configured.replace(/\/+$/, '');
  return `${req.protocol}://${req.headers.host ?? '127.0.0.1'}`;
}
