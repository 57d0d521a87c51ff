import { splitWith } from './split-with';

describe('splitWith', () => {
  it('returns a statement without WITH as it is', () => {
    expect(splitWith(' UPDATE t SET a = 1 RETURNING id ')).toEqual({ statement: 'UPDATE t SET a = 1 RETURNING id' });
  });

  it('separates every CTE from the final statement, whatever their parentheses and strings hold', () => {
    const sql = `WITH acc AS (INSERT INTO a SELECT * FROM unnest($1::text[]) ON CONFLICT (id) DO NOTHING),
      "t" AS MATERIALIZED (INSERT INTO t (id, note) VALUES ($2, 'a ) tricky, note') RETURNING id),
      e(x) AS (SELECT (1 + (2)) FROM t)
      SELECT (SELECT count(*) FROM t)::int AS n`;
    const { ctes, statement } = splitWith(sql);
    expect(statement).toBe('SELECT (SELECT count(*) FROM t)::int AS n');
    expect(ctes).toMatch(/^acc AS \(INSERT/);
    expect(ctes).toMatch(/e\(x\) AS \(SELECT \(1 \+ \(2\)\) FROM t\)$/);
  });

  it('refuses what it cannot read instead of guessing', () => {
    expect(() => splitWith('WITH broken AS (SELECT 1')).toThrow(/unbalanced/);
    expect(() => splitWith('WITH 1 + 1')).toThrow(/cannot read/);
  });
});
