import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';

/** A finished span, trimmed to what the ops pages and trace tests read. */
export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  kind: number;
  startMs: number;
  durationMs: number;
  status: number;
  attributes: Record<string, unknown>;
}

/**
 * Keeps the most recent spans of this process in memory (a ring buffer), so every service can
 * answer "what did you do for trace X" on its ops page without a collector. Production also sets
 * OTEL_EXPORTER_OTLP_ENDPOINT to ship spans to a real backend.
 */
export class RecentSpanStore implements SpanExporter {
  private readonly spans: StoredSpan[] = [];
  private next = 0;

  constructor(private readonly service: string, private readonly capacity = 20000) {}

  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    for (const s of spans) {
      const ctx = s.spanContext();
      const stored: StoredSpan = {
        traceId: ctx.traceId,
        spanId: ctx.spanId,
        parentSpanId: s.parentSpanContext?.spanId,
        name: s.name,
        service: this.service,
        kind: s.kind,
        startMs: s.startTime[0] * 1e3 + s.startTime[1] / 1e6,
        durationMs: s.duration[0] * 1e3 + s.duration[1] / 1e6,
        status: s.status.code,
        attributes: { ...s.attributes },
      };
      if (this.spans.length < this.capacity) this.spans.push(stored);
      else this.spans[this.next] = stored;
      this.next = (this.next + 1) % this.capacity;
    }
    done({ code: ExportResultCode.SUCCESS });
  }

  byTrace(traceId: string): StoredSpan[] {
    return this.spans.filter((s) => s.traceId === traceId).sort((a, b) => a.startMs - b.startMs);
  }

  recent(limit = 50): StoredSpan[] {
    return [...this.spans].sort((a, b) => b.startMs - a.startMs).slice(0, limit);
  }

  async shutdown(): Promise<void> {}
}
