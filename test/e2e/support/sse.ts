import http from 'node:http';

export interface SseEvent {
  event: string;
  data: any;
}

/**
 * Reads a server-sent event stream until `until` says stop (or the deadline passes), then
 * closes it and returns every event seen.
 */
export async function collectSse(url: string, until: (events: SseEvent[]) => boolean, timeoutMs = 45_000): Promise<SseEvent[]> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  const events: SseEvent[] = [];
  try {
    const res = await fetch(url, { signal: ctrl.signal, headers: { accept: 'text/event-stream' } });
    if (res.status !== 200 || !res.body) throw new Error(`SSE ${url} answered ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const parsed = parseBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (parsed) events.push(parsed);
      }
      if (until(events)) break;
    }
  } catch (e) {
    if (!ctrl.signal.aborted) throw e;
  } finally {
    clearTimeout(timer);
    ctrl.abort();
  }
  return events;
}

/** Resolves once the stream has answered with its first event, so nothing published later is missed. */
export function startSse(url: string, until: (events: SseEvent[]) => boolean, timeoutMs?: number) {
  let opened!: () => void;
  const ready = new Promise<void>((r) => (opened = r));
  const done = collectSse(url, (events) => {
    if (events.length > 0) opened();
    return until(events);
  }, timeoutMs).finally(() => opened());
  return { ready, done };
}

/**
 * Reads a stream the server is expected to end by itself, over `agent`: `opened` resolves at its
 * first bytes, `done` with the whole body once the server ended it, and whether the request went
 * out on a connection kept from an earlier one.
 */
export function readToEnd(url: string, agent: http.Agent): { opened: Promise<void>; done: Promise<{ status: number; body: string; reusedSocket: boolean }> } {
  let opened!: () => void;
  const first = new Promise<void>((r) => (opened = r));
  const done = new Promise<{ status: number; body: string; reusedSocket: boolean }>((resolve, reject) => {
    const req = http.get(url, { agent, headers: { accept: 'text/event-stream' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
        opened();
      });
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body, reusedSocket: req.reusedSocket }));
      res.once('error', reject);
    });
    req.once('error', reject);
  }).finally(() => opened());
  return { opened: first, done };
}

/** The events of a whole SSE body. */
export function parseSse(body: string): SseEvent[] {
  return body.split('\n\n').map(parseBlock).filter((e): e is SseEvent => e !== undefined);
}

/** One SSE block (the lines between blank lines) as an event; comments and keep-alives are none. */
function parseBlock(block: string): SseEvent | undefined {
  const lines = block.split('\n');
  const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
  const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
  return event && data !== undefined ? { event, data: JSON.parse(data) } : undefined;
}
