import { Body, Controller, Get, Module, Post, Req } from '@nestjs/common';
import { connect, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { HttpErrorFilter } from '../errors';
import { createHttpApp, type HttpRequest } from './bootstrap';

@Controller('echo')
class EchoController {
  @Post()
  echo(@Body() body: unknown, @Req() req: HttpRequest) {
    return { body: body ?? null, raw: req.rawBody?.toString('base64') ?? null };
  }

  @Get()
  get() {
    return { ok: true };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('createHttpApp (the HTTP side every service runs)', () => {
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const app = await createHttpApp(EchoModule, { bodyLimitBytes: 1024 });
    app.useGlobalFilters(new HttpErrorFilter());
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    close = () => app.close();
  });
  afterAll(() => close());

  const post = async (body: string | Buffer, headers: Record<string, string>) => {
    const r = await fetch(`${base}/echo`, { method: 'POST', body, headers });
    return { status: r.status, json: (await r.json()) as { body?: unknown; raw?: string; error?: { code: string } } };
  };

  it('keeps the exact bytes of every body beside the parsed JSON or form', async () => {
    const json = '{"a": 1,  "b":"ü"}';
    expect(await post(json, { 'content-type': 'application/json; charset=utf-8' })).toEqual({ status: 201, json: { body: { a: 1, b: 'ü' }, raw: Buffer.from(json).toString('base64') } });
    const form = 'sign=a%2Bb&x=1&x=2';
    expect(await post(form, { 'content-type': 'application/x-www-form-urlencoded' })).toEqual({ status: 201, json: { body: { sign: 'a+b', x: ['1', '2'] }, raw: Buffer.from(form).toString('base64') } });
    // Any other type reaches the route unparsed (a webhook adapter decides what it accepts).
    const xml = Buffer.from('<xml><a>1</a></xml>');
    expect(await post(xml, { 'content-type': 'text/xml' })).toEqual({ status: 201, json: { body: null, raw: xml.toString('base64') } });
  });

  it('reads an empty JSON body as {}', async () => {
    expect((await post('', { 'content-type': 'application/json' })).json.body).toEqual({});
  });

  it('refuses malformed, compressed, non-UTF-8 and oversized bodies with a 4xx in the platform shape', async () => {
    expect(await post('{"a":', { 'content-type': 'application/json' })).toEqual({ status: 400, json: { error: expect.objectContaining({ code: 'REQUEST.MALFORMED_BODY' }) } });
    expect(await post('{"__proto__":{"x":1}}', { 'content-type': 'application/json' })).toMatchObject({ status: 400, json: { error: { code: 'REQUEST.MALFORMED_BODY' } } });
    expect(await post(gzipSync('{"a":1}'), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).toMatchObject({ status: 415, json: { error: { code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' } } });
    expect(await post('{"a":1}', { 'content-type': 'application/json; charset=latin1' })).toMatchObject({ status: 415, json: { error: { code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' } } });
    expect(await post('a=1', { 'content-type': 'application/x-www-form-urlencoded; charset=gbk' })).toMatchObject({ status: 415 });
    expect(await post(JSON.stringify({ big: 'x'.repeat(2000) }), { 'content-type': 'application/json' })).toMatchObject({ status: 413, json: { error: { code: 'REQUEST.TOO_LARGE' } } });
  });

  it('answers a body too large while the client is still sending it, then reads past it: the client gets its 413, not a reset', async () => {
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    const received: Buffer[] = [];
    let check = () => {};
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      check();
    });
    const closed = new Promise<string>((resolve) => {
      socket.once('close', () => resolve('closed'));
      socket.once('error', (e) => resolve(e.message));
    });
    /** Resolves with everything the server sent once it matches `re`; rejects if the connection ends first. */
    const until = (re: RegExp) => new Promise<string>((resolve, reject) => {
      check = () => {
        const text = Buffer.concat(received).toString();
        if (re.test(text)) resolve(text);
      };
      check();
      void closed.then((why) => reject(new Error(`connection ${why} after: ${Buffer.concat(received).toString()}`)));
    });
    await new Promise((resolve) => socket.once('connect', resolve));
    const body = Buffer.alloc(64 * 1024, 'x');
    // Headers first; the body only once the answer is in, as a slow client sending a large body would.
    socket.write(`POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    const answer = await until(/REQUEST\.TOO_LARGE/);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).not.toMatch(/^connection: close/im);
    socket.write(body);
    socket.write('GET /echo HTTP/1.1\r\nHost: test\r\n\r\n');
    expect(await until(/\{"ok":true\}/)).toMatch(/HTTP\/1\.1 200 /);
    socket.destroy();
  });

  it('routes a trailing slash like the path without it, and an unknown route is a 404 in the platform shape', async () => {
    expect((await fetch(`${base}/echo/`)).status).toBe(200);
    const missing = await fetch(`${base}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'ROUTE.NOT_FOUND' } });
  });
});
