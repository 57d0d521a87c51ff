import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedNotify {
  method: string;
  /** Path and query as requested (epay notifies by GET with the fields in the query). */
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Form fields of a form POST, or the query of a GET; empty for JSON bodies. */
  params: Record<string, string>;
}

/** A tiny merchant endpoint that records every notification and answers what `reply` says. */
export class NotifyReceiver {
  readonly received: ReceivedNotify[] = [];
  /**
   * What to answer the n-th (0-based) notification: a body (status 200), or a status and body.
   * Alipay only stops on exactly `success`; WeChat Pay on a 200 or 204, whatever the body.
   */
  reply: (n: ReceivedNotify, index: number) => string | { status: number; body: string } = () => 'success';
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks);
        const url = req.url ?? '/';
        const isForm = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
        const query = new URL(url, 'http://receiver').searchParams;
        const params = Object.fromEntries(isForm ? new URLSearchParams(rawBody.toString('utf8')) : req.method === 'GET' ? query : []);
        const n = { method: req.method ?? 'POST', url, headers: req.headers, rawBody, params };
        this.received.push(n);
        const r = this.reply(n, this.received.length - 1);
        const { status, body } = typeof r === 'string' ? { status: 200, body: r } : r;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/notify`;
    return this;
  }

  /** Notifications whose form or query field `field` (Alipay and epay `out_trade_no`) is `value`. */
  for(value: string, field = 'out_trade_no'): ReceivedNotify[] {
    return this.received.filter((n) => n.params[field] === value);
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Polls `check` until it returns a value (not undefined/false) or the deadline passes. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
