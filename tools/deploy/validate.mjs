// `node tools/deploy/validate.mjs`: checks deploy/ without Docker or a cluster. Renders the
// kustomize overlays with `kubectl kustomize` when kubectl is installed (else reads the YAML
// files as they are), then checks that every platform process has a Deployment with an image,
// probes and resource requests, a Service, and a compose service with a healthcheck.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
// js-yaml comes with @nestjs/swagger and eslint (not a direct dependency); it resolves merge keys.
import yaml from 'js-yaml';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { SERVICES } = createRequire(import.meta.url)('../stack/stack.js');
const problems = [];
const check = (ok, msg) => ok || problems.push(msg);

function renderKustomize(dir) {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (r.error?.code === 'ENOENT') return undefined;
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${r.stderr}`);
  return r.stdout;
}

function manifests(dir) {
  const rendered = renderKustomize(dir);
  const texts = rendered !== undefined ? [rendered] : fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml').map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
  return texts.flatMap((t) => yaml.loadAll(t)).filter(Boolean);
}

const dev = manifests(path.join(ROOT, 'deploy/k8s/overlays/dev'));
const base = manifests(path.join(ROOT, 'deploy/k8s/base'));
const deployments = new Map(dev.filter((m) => m.kind === 'Deployment').map((m) => [m.metadata.name, m]));
const services = new Set(dev.filter((m) => m.kind === 'Service').map((m) => m.metadata.name));

for (const svc of SERVICES) {
  const d = deployments.get(svc.name);
  if (!check(d, `k8s: no Deployment for ${svc.name}`)) continue;
  check(services.has(svc.name), `k8s: no Service for ${svc.name}`);
  for (const c of d.spec.template.spec.containers) {
    const where = `k8s: ${svc.name}/${c.name}`;
    check(c.image, `${where} has no image`);
    check(c.readinessProbe?.httpGet?.path === '/health/ready', `${where} readinessProbe is not GET /health/ready`);
    check(c.livenessProbe?.httpGet?.path === '/health/live', `${where} livenessProbe is not GET /health/live`);
    check(c.resources?.requests?.cpu && c.resources?.requests?.memory, `${where} has no cpu and memory requests`);
  }
}
check(!base.some((m) => m.kind === 'Deployment' && m.metadata.name === 'provider-sandbox'), 'k8s: the provider sandbox must not be in the production base');
const nats = base.find((m) => m.kind === 'StatefulSet' && m.metadata.name === 'nats');
check(nats?.spec.replicas === 3, 'k8s: NATS StatefulSet with 3 replicas missing');
const ingress = base.find((m) => m.kind === 'Ingress');
const routes = new Map((ingress?.spec.rules ?? []).flatMap((r) => r.http.paths.map((p) => [p.path, p.backend.service.name])));
check(routes.get('/') === 'api-gateway' && routes.get('/api') === 'api-gateway', 'k8s: Ingress must route / and /api to api-gateway');
check(routes.get('/webhooks/alipay') === 'adapter-alipay', 'k8s: Ingress must route /webhooks/alipay to adapter-alipay');

// Compose: the docker CLI may lack the compose plugin, so parse it (anchors and merge keys included).
const composeFile = path.join(ROOT, 'deploy/compose/docker-compose.yml');
const compose = yaml.load(fs.readFileSync(composeFile, 'utf8'));
for (const svc of SERVICES) {
  const c = compose.services?.[svc.name];
  if (!check(c, `compose: no service ${svc.name}`)) continue;
  const port = String(svc.port(3000));
  check(c.environment?.HTTP_PORT === port, `compose: ${svc.name} HTTP_PORT should be ${port}`);
  check(c.environment?.SERVICE_NAME === svc.name, `compose: ${svc.name} SERVICE_NAME mismatch`);
  check(c.build?.args?.SERVICE === svc.dir.replace(/^services\//, ''), `compose: ${svc.name} builds the wrong SERVICE`);
  check(JSON.stringify(c.healthcheck?.test ?? '').includes(`:${port}/health/ready`), `compose: ${svc.name} healthcheck is not /health/ready`);
}
const composeCli = spawnSync('docker', ['compose', '-f', composeFile, 'config', '-q'], { encoding: 'utf8' });
const composeNote = composeCli.status === 0 ? 'docker compose config: ok' : 'docker compose config: not run (no compose plugin)';

if (problems.length) {
  console.error(`deploy/ has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`deploy/ ok: ${deployments.size} Deployments, ${base.length} base / ${dev.length} dev manifests; compose ${Object.keys(compose.services).length} services; ${composeNote}`);
