import type { z } from 'zod';
import { AppError } from '../errors';

/**
 * Parses untrusted input with a zod schema; failures become a 400 `REQUEST.INVALID` listing each
 * field and problem, never a 500.
 */
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown, code = 'REQUEST.INVALID'): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', problem: i.message }));
  throw new AppError(code, `invalid request: ${details.map((d) => `${d.field} ${d.problem}`).join('; ')}`, 400, false, details);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a canonical UUID; ids from outside are checked before they reach a `uuid` column. */
export const isUuid = (value: string): boolean => UUID.test(value);
