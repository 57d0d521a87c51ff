import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedNotify {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  params: Record<string, string>;
}

/** A tiny merchant endpoint that records every notification and answers what `reply` says. */
export class NotifyReceiver {
  readonly received: ReceivedNotify[] = [];
  /** What to answer the n-th (0-based) notification; Alipay only stops on exactly `success`. */
  reply: (n: ReceivedNotify, index: number) => string = () => 'success';
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks);
        const params = Object.fromEntries(new URLSearchParams(rawBody.toString('utf8')));
        const n = { headers: req.headers, rawBody, params };
        this.received.push(n);
        res.writeHead(200, { 'content-type': 'text/plain' }).end(this.reply(n, this.received.length - 1));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/notify`;
    return this;
  }

  for(outTradeNo: string): ReceivedNotify[] {
    return this.received.filter((n) => n.params.out_trade_no === outTradeNo);
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
