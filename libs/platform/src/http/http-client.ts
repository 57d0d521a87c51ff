import http from 'node:http';
import https from 'node:https';

/** The part of a fetch `Response` that callers of `httpRequest` read. */
export interface HttpResponseLike {
  ok: boolean;
  status: number;
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

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
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
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      {
        method: init.method,
        agent: agents[target.protocol as 'http:' | 'https:'],
        headers: { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        signal: init.signal,
      },
      (res) => {
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
          resolve({ ok: status >= 200 && status < 300, status, text: async () => text });
        });
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}
