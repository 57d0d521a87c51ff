import http from 'node:http';
import https from 'node:https';

/** The part of a fetch `Response` that callers of `httpRequest` read. */
export interface HttpResponseLike {
  ok: boolean;
  status: number;
  /** Response headers, names in lower case (WeChat Pay signs its answers in `wechatpay-*` headers). */
  headers: Record<string, string | string[] | undefined>;
  text(): Promise<string>;
}

export interface HttpRequestInit {
  method: string;
  headers?: Record<string, string>;
  body?: string;
  /** Aborts the request (e.g. `AbortSignal.timeout(ms)`). */
  signal?: AbortSignal;
}

/** Bodies above this are refused: providers answer in kilobytes. */
const MAX_RESPONSE_BYTES = 1 << 20;

/**
 * Idle kept-alive sockets are closed after this long, before a Node server closes its own (5 s by
 * default). Node's agent lowers its idle timeout to the server's `Keep-Alive: timeout=` hint only
 * when a timeout is configured at all; without one it keeps idle sockets forever, and reusing one
 * just as the server closes it is an ECONNRESET. (In flight, a socket timeout only emits an
 * event; callers bound requests with their own `signal`.)
 */
const IDLE_SOCKET_MS = 4000;

const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
};

/**
 * A fetch-shaped HTTP client on `node:http(s)` with keep-alive connections, for the calls
 * services make to providers and providers' sandboxes make back. The global `fetch` (undici)
 * costs ~0.3 ms more CPU per request here (measured: 0.39–0.44 vs 0.08–0.11 ms for a small POST
 * and its answer), which is a few per cent of a whole checkout.
 */
export function httpRequest(url: string, init: HttpRequestInit): Promise<HttpResponseLike> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
  if (!transport) return Promise.reject(new TypeError(`unsupported protocol ${target.protocol}`));
  const body = init.body === undefined ? undefined : Buffer.from(init.body, 'utf8');
  // A kept-alive socket the server closed while idle fails before the request reached it: the
  // server never saw it, so sending it again is safe (Node's documented `reusedSocket` pattern).
  // Again on a connection of its own, not the next kept-alive one: a server closes its idle
  // sockets together, so the next one may be just as stale. Any other failure is the caller's to judge.
  return send(transport, target, init, body, agents[target.protocol as 'http:' | 'https:']).catch((err: Error & { code?: string; reusedSocket?: boolean }) => {
    if (err.reusedSocket && STALE_SOCKET.has(err.code ?? '') && !init.signal?.aborted) return send(transport, target, init, body, false);
    throw err;
  });
}

/** How a write to a socket the peer already closed fails. */
const STALE_SOCKET = new Set(['ECONNRESET', 'EPIPE']);

function send(transport: typeof http | typeof https, target: URL, init: HttpRequestInit, body: Buffer | undefined, agent: http.Agent | false): Promise<HttpResponseLike> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = transport.request(
      target,
      {
        method: init.method,
        agent,
        headers: { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        signal: init.signal,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) res.destroy(new Error(`response from ${target.host} exceeds ${MAX_RESPONSE_BYTES} bytes`));
          else chunks.push(c);
        });
        res.once('error', reject);
        res.once('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          resolve({ ok: status >= 200 && status < 300, status, headers: res.headers, text: async () => text });
        });
      },
    );
    // Only an error before any answer arrived can be a stale socket.
    req.once('error', (err: Error & { reusedSocket?: boolean }) => reject(Object.assign(err, { reusedSocket: req.reusedSocket && !answered })));
    req.end(body);
  });
}
