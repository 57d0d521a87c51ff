// A keep-alive JSON client and an SSE waiter on node:http. node:http with a keep-alive Agent costs
// the benchmark process less CPU per request than global fetch (undici's web streams) on Node 20,
// and the client shares the machine's cores with the stack it measures.
import http from 'node:http';

export class HttpError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}: ${body.slice(0, 300)}`);
    this.status = status;
  }
}

export class TimeoutError extends Error {}

const CLOSED = 'event stream closed before the awaited event';

/** One pooled client; `maxSockets` must cover every concurrent request, SSE streams included. */
export function createClient({ maxSockets, timeoutMs }) {
  // `timeout`: idle sockets are closed before the server's 5 s keep-alive timeout closes them (Node's
  // agent follows the server's `Keep-Alive: timeout=` hint only when some timeout is set).
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, timeout: 4000 });

  /**
   * Sends JSON, resolves with the parsed body of a 2xx answer, rejects with HttpError otherwise.
   * A reset on a reused idle socket means the server closed it (keep-alive timeout) just as the
   * request went out, before reading it: Node's documented remedy is to send it once more.
   */
  function json(method, url, opts = {}) {
    return send(method, url, opts).catch((e) => {
      if (e.reusedSocket && e.code === 'ECONNRESET') return send(method, url, opts);
      throw e;
    });
  }

  function send(method, url, { token, body } = {}) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(url, {
        method,
        agent,
        headers: {
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      });
      const timer = setTimeout(() => req.destroy(new TimeoutError(`${method} ${url} took over ${timeoutMs} ms`)), timeoutMs);
      req.once('error', (e) => { clearTimeout(timer); e.reusedSocket = req.reusedSocket; reject(e); });
      req.once('response', (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.once('error', (e) => { clearTimeout(timer); reject(e); });
        res.once('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode < 200 || res.statusCode >= 300) return reject(new HttpError(res.statusCode, text));
          try {
            resolve(text ? JSON.parse(text) : undefined);
          } catch (e) {
            reject(e);
          }
        });
      });
      req.end(payload);
    });
  }

  /**
   * Opens an SSE stream and resolves `opened` once the first event (the current status) arrived,
   * so the gateway is known to be watching before the caller triggers the change it waits for.
   * `waitFor(name)` resolves when that event arrives; `close()` ends the stream. A stream the server
   * ends by itself (`?until=delivered`) leaves its connection to the pool for the next request;
   * closing one still open costs the connection.
   */
  function sse(url) {
    let onEvent = () => {};
    const seen = new Map();
    let ended = false;
    let closed = false;
    let waiting = false;
    let fail;
    const failed = new Promise((_, reject) => { fail = reject; });
    failed.catch(() => {});
    const req = http.request(url, { method: 'GET', agent, headers: { accept: 'text/event-stream' } });
    const opened = new Promise((resolve, reject) => {
      req.once('error', (e) => { reject(e); fail(e); });
      req.once('response', (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          const e = new HttpError(res.statusCode, 'event stream refused');
          reject(e);
          return fail(e);
        }
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (chunk) => {
          buf += chunk;
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const name = /^event: (.*)$/m.exec(block)?.[1];
            if (!name) continue;
            seen.set(name, /^data: (.*)$/m.exec(block)?.[1]);
            resolve(name);
            onEvent(name);
          }
        });
        res.once('end', () => { ended = true; });
        res.once('close', () => {
          closed = true;
          // Only a caller still waiting needs the error (and its stack); a later one is refused in waitFor.
          if (waiting) fail(new Error(CLOSED));
        });
      });
      req.end();
    });
    opened.catch(() => {});
    return {
      opened,
      /** Resolves with the event's data once `name` was seen; rejects on close or after timeoutMs. */
      waitFor(name, timeoutMs) {
        if (seen.has(name)) return Promise.resolve(seen.get(name));
        if (closed) return Promise.reject(new Error(CLOSED));
        waiting = true;
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new TimeoutError(`no ${name} event within ${timeoutMs} ms`)), timeoutMs);
          onEvent = (n) => { if (n === name) { clearTimeout(timer); waiting = false; resolve(seen.get(name)); } };
          failed.catch((e) => { clearTimeout(timer); reject(e); });
        });
      },
      close: () => { if (!ended) req.destroy(); },
    };
  }

  return { json, sse, close: () => agent.destroy() };
}
