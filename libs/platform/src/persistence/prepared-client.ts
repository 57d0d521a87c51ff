import { Client } from 'pg';
import { sqlStatements } from '../metrics/metrics';
import { finishSqlSpan, startSqlSpan } from '../telemetry/tracing';

/**
 * A `pg` client that traces each statement (see `startSqlSpan`) and runs every parameterised statement as a named prepared statement, so each
 * connection parses and plans a given SQL text once instead of on every call (PostgreSQL then
 * reuses the plan, or re-plans cheaply with the bound values). Statements without parameters
 * (BEGIN, COMMIT, DDL in migrations) go through unchanged. Names are stable per SQL text, so
 * every connection of the pool prepares the same statement under the same name.
 */
export class PreparedStatementClient extends Client {
  private static readonly names = new Map<string, string>();

  /**
   * A service runs a fixed set of statements; should some code build SQL texts without end, the
   * texts past this many run unnamed, so neither this map nor each connection's prepared
   * statements grow without bound.
   */
  static readonly MAX_NAMED = 1000;

  static nameOf(text: string): string | undefined {
    let name = PreparedStatementClient.names.get(text);
    if (!name && PreparedStatementClient.names.size < PreparedStatementClient.MAX_NAMED) {
      name = `s${PreparedStatementClient.names.size + 1}`;
      PreparedStatementClient.names.set(text, name);
    }
    return name;
  }

  // pg's overloads are many; this one only changes (text, values[, callback]) calls.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const [text, values] = args;
    sqlStatements.inc();
    const name = typeof text === 'string' && Array.isArray(values) && values.length > 0 ? PreparedStatementClient.nameOf(text) : undefined;
    if (name) {
      args[0] = { name, text, values };
      args.splice(1, 1);
    }
    const span = typeof text === 'string' ? startSqlSpan(text) : undefined;
    if (!span) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return (super.query as any)(...args);
    }
    // Callback style (pg's Pool.query) or promise style (TypeORM's query runner).
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (err: Error | null, res: unknown) => void;
      args[last] = (err: Error | null, res: unknown) => {
        finishSqlSpan(span, err);
        callback(err, res);
      };
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = (super.query as any)(...args);
    if (result instanceof Promise) result.then(() => finishSqlSpan(span), (err: Error) => finishSqlSpan(span, err));
    return result;
  }
}
