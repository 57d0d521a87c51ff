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
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n');
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
        if (event && data !== undefined) events.push({ event, data: JSON.parse(data) });
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
