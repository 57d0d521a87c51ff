import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { badRequest, parseInput } from '@cardshop/platform';

/** The most keys one import may carry (the catalog enforces the same). */
export const MAX_KEYS = 5000;

/**
 * A key import in any of three shapes: a JSON list, text with one key per line (blank lines
 * skipped), or CSV. In CSV, `column` names the header column holding the keys; without it there
 * is no header and each row's first field is the key. Quoted fields may hold commas and newlines.
 */
const loop = z.boolean().optional();
const importBody = z.union([
  z.object({ keys: z.array(z.string().min(1).max(1000)).min(1).max(MAX_KEYS), loop }).strict(),
  z.object({ text: z.string().min(1).max(5_000_000), loop }).strict(),
  z.object({ csv: z.string().min(1).max(5_000_000), column: z.string().min(1).max(100).optional(), loop }).strict(),
]);

/** Whether the import holds loop keys (`"loop": true`): each sold again and again, one per order. */
export function isLoopImport(body: unknown): boolean {
  return parseInput(importBody, body).loop === true;
}

export function keysFromImport(body: unknown): string[] {
  const b = parseInput(importBody, body);
  let keys: string[];
  if ('keys' in b) keys = b.keys;
  else if ('text' in b) keys = b.text.split(/\r?\n/);
  else keys = fromCsv(b.csv, b.column);
  keys = keys.map((k) => k.trim()).filter((k) => k.length > 0);
  if (keys.length === 0) throw badRequest('KEYS.EMPTY', 'the import holds no card keys');
  if (keys.length > MAX_KEYS) throw badRequest('KEYS.TOO_MANY', `at most ${MAX_KEYS} keys per import`);
  if (keys.some((k) => k.length > 1000)) throw badRequest('KEYS.INVALID', 'each key must be at most 1000 characters');
  return keys;
}

function fromCsv(csv: string, column?: string): string[] {
  let rows: string[][];
  try {
    rows = parse(csv, { relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
  } catch (e) {
    throw badRequest('KEYS.INVALID_CSV', `the CSV could not be read: ${(e as Error).message}`);
  }
  if (!column) return rows.map((r) => r[0] ?? '');
  const [header, ...data] = rows;
  const index = (header ?? []).findIndex((h) => h.trim() === column);
  if (index < 0) throw badRequest('KEYS.INVALID_CSV', `the CSV header has no column ${JSON.stringify(column)}`);
  return data.map((r) => r[index] ?? '');
}
