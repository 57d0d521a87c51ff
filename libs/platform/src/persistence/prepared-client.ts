import { Client } from 'pg';
import { endSqlSpan, startSqlSpan } from '../telemetry/tracing';

/**
 * A `pg` client that traces each statement (see `startSqlSpan`) and runs every parameterised statement as a named prepared statement, so each
 * connection parses and plans a given SQL text once instead of on every call (PostgreSQL then
 * reuses the plan, or re-plans cheaply with the bound values). Statements without parameters
 * (BEGIN, COMMIT, DDL in migrations) go through unchanged. Names are stable per SQL text, so
 * every connection of the pool prepares the same statement under the same name.
 */
export class PreparedStatementClient extends Client {
  private static readonly names = new Map<string, string>();

  static nameOf(text: string): string {
    let name = PreparedStatementClient.names.get(text);
    if (!name) {
      name = `s${PreparedStatementClient.names.size + 1}`;
      PreparedStatementClient.names.set(text, name);
    }
    return name;
  }

  // pg's overloads are many; this one only changes (text, values[, callback]) calls.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      args[0] = { name: PreparedStatementClient.nameOf(text), text, values };
      args.splice(1, 1);
    }
    const span = typeof text === 'string' ? startSqlSpan(text) : undefined;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = (super.query as any)(...args);
    // Promise-style calls (TypeORM's, ours) are traced; callback-style ones pass through as they are.
    return span && result instanceof Promise ? endSqlSpan(span, result) : (span?.end(), result);
  }
}
