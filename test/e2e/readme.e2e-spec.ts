import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startE2eStack, stopE2eStack, STACK_BOOT_TIMEOUT_MS, type E2eStack } from './support/e2e-stack';

const run = promisify(execFile);

/** The shell block under a README heading, with its first line (the addresses and the ops token) replaced. */
function readmeScript(heading: string, firstLine: string): string {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`## ${heading}`));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error(`no sh block under "## ${heading}" in the README`);
  const [, ...rest] = block.split('\n');
  return [firstLine, ...rest].join('\n');
}

// The README's seller walk-through is a script; this runs it as written against a fresh stack.
describe('the README seller walk-through', () => {
  let e2e: E2eStack;

  beforeAll(async () => {
    e2e = await startE2eStack('readme');
  }, STACK_BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await stopE2eStack(e2e);
  }, 60_000);

  it('creates a seller and a product, imports keys, sees the stock, sells two keys with a coupon and sees them delivered', async () => {
    const { gateway, sandbox, opsToken } = e2e.stack;
    const script = readmeScript("Selling: a seller's day, with curl", `G=${gateway}; S=${sandbox}; OPS=${opsToken}`);
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { timeout: 90_000 });
    const lines = stdout.trim().split('\n');
    const json = (i: number) => JSON.parse(lines[i]);
    expect(json(0)).toMatchObject({ imported: 3, duplicates: 1 });
    expect(json(1)).toMatchObject({ imported: 1, duplicates: 0 });
    expect(json(2)).toMatchObject({ stock: 4, sold: 0, reserved: 0 });
    expect(json(3).items).toHaveLength(2);
    expect(json(4)).toMatchObject({ code: 'WELCOME10', percentOff: 10 });
    expect(lines[5]).toBe('1800');
    const delivered = json(7);
    expect(delivered).toMatchObject({ status: 'delivered', total: { minor: 1800 }, couponCode: 'WELCOME10' });
    expect(delivered.keys).toHaveLength(2);
    expect(json(8)).toMatchObject({ stock: 2, sold: 2, reserved: 0 });
    expect(json(9)).toHaveProperty('balances');
  }, 120_000);
});
