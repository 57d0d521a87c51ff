import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpRequest } from './http-client';

describe('httpRequest', () => {
  let server: http.Server;
  let base: string;
  const seen: { method?: string; type?: string; body: string }[] = [];
  const perSocket = new WeakMap<object, number>();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const n = (perSocket.get(req.socket) ?? 0) + 1;
        perSocket.set(req.socket, n);
        // Closed the way an idle keep-alive socket is when the server times it out first.
        if (req.url === '/close-reused' && n > 1) return req.socket.destroy();
        if (req.url === '/hang-up') return req.socket.destroy();
        seen.push({ method: req.method, type: req.headers['content-type'], body });
        if (req.url === '/big') return res.end(Buffer.alloc(2 << 20, 97));
        if (req.url === '/slow') return; // never answers
        res.statusCode = req.url === '/missing' ? 404 : 200;
        res.end(req.url === '/missing' ? 'no' : 'success');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('posts the body with its headers and answers status, ok and text', async () => {
    const res = await httpRequest(`${base}/notify`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=支付' });
    expect([res.ok, res.status, await res.text()]).toEqual([true, 200, 'success']);
    expect(seen.at(-1)).toEqual({ method: 'POST', type: 'application/x-www-form-urlencoded', body: 'a=1&b=支付' });
  });

  it('reports a non-2xx answer as not ok', async () => {
    const res = await httpRequest(`${base}/missing`, { method: 'GET' });
    expect([res.ok, res.status, await res.text()]).toEqual([false, 404, 'no']);
  });

  it('refuses an oversized answer, gives up when aborted, and rejects unknown protocols', async () => {
    await expect(httpRequest(`${base}/big`, { method: 'GET' })).rejects.toThrow(/exceeds/);
    await expect(httpRequest(`${base}/slow`, { method: 'GET', signal: AbortSignal.timeout(100) })).rejects.toThrow(/abort/i);
    await expect(httpRequest('ftp://127.0.0.1/x', { method: 'GET' })).rejects.toThrow(/unsupported protocol/);
  });

  it('sends a request once more when the kept-alive socket it went out on was already closed, and only then', async () => {
    await httpRequest(`${base}/close-reused`, { method: 'POST', body: 'first' });
    const before = seen.length;
    const res = await httpRequest(`${base}/close-reused`, { method: 'POST', body: 'second' });
    expect([res.status, seen.slice(before).map((r) => r.body)]).toEqual([200, ['second']]);
    // A hang-up on a fresh socket is an answer of sorts: it is not repeated.
    await expect(httpRequest(`${base}/hang-up`, { method: 'POST', body: 'x' })).rejects.toThrow(/socket hang up/);
  });

  it('closes a kept-alive socket it left idle before the server would (no reuse racing the server closing it)', async () => {
    const patient = http.createServer((_req, res) => res.end('ok'));
    patient.keepAliveTimeout = 60_000;
    const closed = new Promise<void>((resolve) => patient.on('connection', (socket) => socket.once('close', () => resolve())));
    await new Promise<void>((r) => patient.listen(0, '127.0.0.1', r));
    try {
      const res = await httpRequest(`http://127.0.0.1:${(patient.address() as AddressInfo).port}/`, { method: 'GET' });
      expect(res.status).toBe(200);
      // The server would keep it for a minute: closing it is the client's doing, after its idle timeout.
      await closed;
    } finally {
      patient.closeAllConnections();
      await new Promise((r) => patient.close(r));
    }
  }, 15_000);

  it('sends it again on a connection of its own, not on the next kept-alive socket, which may be just as stale', async () => {
    // Several sockets kept alive at once; every one of them is closed when reused.
    await Promise.all(['a', 'b', 'c', 'd'].map((body) => httpRequest(`${base}/close-reused`, { method: 'POST', body })));
    const before = seen.length;
    const res = await httpRequest(`${base}/close-reused`, { method: 'POST', body: 'after' });
    expect([res.status, seen.slice(before).map((r) => r.body)]).toEqual([200, ['after']]);
  });
});
