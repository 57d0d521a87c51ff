// `npm test`: build, make sure PostgreSQL and NATS are reachable (the same discovery as `npm start`),
// check the contracts are fresh, type-check, then run the unit, integration, end-to-end and browser
// suites. Ends with one line: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const require = createRequire(import.meta.url);
const { ensurePostgres, ensureNats, ROOT } = require('../stack/infra.js');

const run = (cmd, args, env = {}) => spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

const steps = [];
const step = (name, ok) => { steps.push({ name, ok }); console.log(`\n${ok ? '✔' : '✘'} ${name}\n`); };

step('build', run(process.execPath, ['tools/build.mjs']) === 0);
const pg = await ensurePostgres((s) => console.log(s));
const nats = await ensureNats((s) => console.log(s));
const url = new URL(pg.adminUrl);
url.pathname = '/postgres';
const env = { DATABASE_URL: url.toString(), DATABASE_ADMIN_URL: pg.adminUrl, NATS_URL: nats.url };
step('contracts are up to date and buf lint passes', run(process.execPath, ['tools/contracts/generate.mjs', '--check']) === 0);
step('lint (ESLint, Nx module boundaries)', run(process.execPath, ['node_modules/eslint/bin/eslint.js', '.']) === 0);
step('type check', run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']) === 0);
step('deploy/ manifests render and hold every service', run(process.execPath, ['tools/deploy/validate.mjs']) === 0);

const projects = (process.env.TEST_SUITES ?? 'unit,int,e2e,browser').split(',');
let passed = 0;
let failed = 0;
for (const project of projects) {
  const out = join(tmpdir(), `cardshop-jest-${project}-${process.pid}.json`);
  // Integration suites are isolated (own schema, own stream names) and run in parallel; end-to-end
  // and browser suites each start a whole stack, so two at a time is what two cores bear.
  const workers = project === 'unit' ? '50%' : project === 'int' ? '2' : '1';
  const code = run(process.execPath, ['node_modules/jest/bin/jest.js', '--selectProjects', project, '--maxWorkers', workers, '--json', '--outputFile', out, '--passWithNoTests'], env);
  try {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
    rmSync(out, { force: true });
  } catch {
    failed += 1;
  }
  step(`${project} tests`, code === 0);
}
await nats.stop();
await pg.stop();
for (const s of steps) if (!s.ok && !s.name.endsWith('tests')) failed += 1;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && steps.every((s) => s.ok) ? 0 : 1);
