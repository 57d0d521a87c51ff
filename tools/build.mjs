// Compiles every library and service from TypeScript to CommonJS with SWC (no type check:
// `npm run typecheck` does that). Each project's `src/` becomes its `dist/`. Incremental: a file
// is rewritten only when its source is newer than its output.
import { transformFile } from '@swc/core';
import { readFileSync, readdirSync, statSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;

function projects() {
  const found = [];
  const walk = (dir, depth) => {
    if (depth > 3 || !existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name === 'node_modules' || e.name === 'dist') continue;
      const p = join(dir, e.name);
      if (e.name === 'src') found.push(dir);
      else walk(p, depth + 1);
    }
  };
  walk(join(root, 'libs'), 0);
  walk(join(root, 'services'), 0);
  return found;
}

function sources(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.d.ts')) out.push(p);
    else if (/\.(html|css|svg|js|json)$/.test(e.name)) out.push(p);
  }
  return out;
}

let written = 0;
const jobs = [];
for (const project of projects()) {
  const src = join(project, 'src');
  for (const file of sources(src)) {
    const rel = relative(src, file);
    const out = join(project, 'dist', rel.replace(/\.ts$/, '.js'));
    if (existsSync(out) && statSync(out).mtimeMs >= statSync(file).mtimeMs) continue;
    mkdirSync(dirname(out), { recursive: true });
    if (!file.endsWith('.ts')) {
      writeFileSync(out, readFileSync(file));
      written++;
      continue;
    }
    jobs.push(
      transformFile(file, { ...swcrc, swcrc: false, filename: file, sourceFileName: relative(dirname(out), file) }).then((r) => {
        writeFileSync(out, r.code + `\n//# sourceMappingURL=${out.split('/').pop()}.map`);
        writeFileSync(out + '.map', r.map);
        written++;
      }),
    );
  }
}
await Promise.all(jobs);
console.log(`build: ${written} file(s) compiled`);
