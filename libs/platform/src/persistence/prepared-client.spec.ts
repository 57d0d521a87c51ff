import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { PreparedStatementClient } from './prepared-client';
import { startSqlSpan } from '../telemetry/tracing';

describe('PreparedStatementClient', () => {
  it('names each SQL text once, and different texts differently', () => {
    const a = PreparedStatementClient.nameOf('SELECT 1 WHERE $1::int > 0');
    const b = PreparedStatementClient.nameOf('SELECT 2 WHERE $1::int > 0');
    expect(PreparedStatementClient.nameOf('SELECT 1 WHERE $1::int > 0')).toBe(a);
    expect(b).not.toBe(a);
  });

  it('stops naming new texts past its limit, so nothing grows without bound', () => {
    for (let i = 0; i < PreparedStatementClient.MAX_NAMED; i++) PreparedStatementClient.nameOf(`SELECT ${i} + $1::int`);
    expect(PreparedStatementClient.nameOf('SELECT 1 WHERE $1::int > 0')).toBeDefined();
    expect(PreparedStatementClient.nameOf('SELECT $1::text AS never_named')).toBeUndefined();
  });
});

describe('SQL spans', () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  });
  afterAll(() => {
    trace.disable();
    context.disable();
  });

  it('opens none outside a traced operation (pool housekeeping, boot)', () => {
    expect(startSqlSpan('SELECT 1')).toBeUndefined();
  });

  it('opens a child of the active span with the statement text and no parameter values', () => {
    const parent = trace.getTracer('t').startSpan('parent');
    context.with(trace.setSpan(context.active(), parent), () => startSqlSpan('  update orders SET status = $1 WHERE id = $2')?.end());
    parent.end();
    const [sql] = exporter.getFinishedSpans().filter((s) => s.name.startsWith('pg.query'));
    expect(sql.name).toBe('pg.query:UPDATE');
    expect(sql.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(sql.attributes['db.query.text']).toBe('  update orders SET status = $1 WHERE id = $2');
  });
});
