/**
 * Splits `WITH a AS (…), b AS (…) <statement>` into the CTE list and the final statement, so more
 * CTEs can be added at the top level (PostgreSQL refuses data-modifying CTEs nested in another).
 * A statement without WITH comes back as `{ statement }`.
 */
export function splitWith(sql: string): { ctes?: string; statement: string } {
  const s = sql.trim();
  const head = /^WITH\s+/i.exec(s);
  if (!head) return { statement: s };
  const cte = /\s*(?:"[^"]+"|\w+)\s*(?:\([^()]*\))?\s+AS\s+(?:(?:NOT\s+)?MATERIALIZED\s+)?\(/iy;
  let pos = head[0].length;
  for (;;) {
    cte.lastIndex = pos;
    if (!cte.exec(s)) throw new Error(`cannot read the WITH list of: ${s.slice(0, 80)}…`);
    pos = closingParen(s, cte.lastIndex - 1) + 1;
    const next = /\s*,/y;
    next.lastIndex = pos;
    if (!next.exec(s)) break;
    pos = next.lastIndex;
  }
  return { ctes: s.slice(head[0].length, pos).trim(), statement: s.slice(pos).trim() };
}

/** Index of the `)` closing the `(` at `open`, skipping quoted strings and identifiers. */
function closingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "'" || c === '"') {
      const end = s.indexOf(c, i + 1);
      if (end < 0) break;
      i = end;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw new Error(`unbalanced parentheses in: ${s.slice(0, 80)}…`);
}
