// `node tools/deploy/validate.mjs`: checks deploy/ without Docker or a cluster. Renders the
// kustomize overlays with `kubectl kustomize` when kubectl is installed (else reads the YAML
// files as they are), then checks that every platform process has a Deployment with an image
// listed in a kustomization, probes and resource requests, a Service, and a compose service with a
// healthcheck; and that each payment adapter gets its settings and its public routes.
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
// True when ok; else records msg and returns false (so `if (!check(…)) continue;` skips on).
const check = (ok, msg) => Boolean(ok) || (problems.push(msg), false);

/**
 * Each payment adapter's settings (secrets from cardshop-secrets, the rest from cardshop-config)
 * and the paths the Ingress sends straight to it: the provider's notifications, and for UnionPay
 * the page that posts the buyer's browser on to UnionPay.
 */
const ADAPTERS = {
  'adapter-alipay': {
    routes: ['/webhooks/alipay'],
    secrets: ['ALIPAY_APP_ID', 'ALIPAY_PRIVATE_KEY', 'ALIPAY_PUBLIC_KEY'],
    config: ['ALIPAY_GATEWAY_URL', 'ALIPAY_NOTIFY_URL'],
  },
  'adapter-wechat-pay': {
    routes: ['/webhooks/wechat_pay'],
    secrets: ['WECHATPAY_MCHID', 'WECHATPAY_APPID', 'WECHATPAY_MERCHANT_PRIVATE_KEY', 'WECHATPAY_MERCHANT_SERIAL', 'WECHATPAY_PLATFORM_PUBLIC_KEY', 'WECHATPAY_PLATFORM_SERIAL', 'WECHATPAY_APIV3_KEY'],
    config: ['WECHATPAY_BASE_URL', 'WECHATPAY_NOTIFY_URL'],
  },
  'adapter-unionpay': {
    routes: ['/webhooks/unionpay', '/pay/unionpay'],
    secrets: ['UNIONPAY_MER_ID', 'UNIONPAY_SIGN_PRIVATE_KEY', 'UNIONPAY_SIGN_CERT'],
    config: ['UNIONPAY_ROOT_CERT', 'UNIONPAY_MIDDLE_CERT', 'UNIONPAY_GATEWAY_URL', 'UNIONPAY_BACK_URL', 'UNIONPAY_FRONT_URL', 'UNIONPAY_PAY_PAGE_URL'],
  },
  'adapter-epay': {
    routes: ['/webhooks/epay'],
    secrets: ['EPAY_AGGREGATORS'],
    config: ['EPAY_NOTIFY_URL', 'EPAY_RETURN_URL'],
  },
};

function renderKustomize(dir) {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (r.error?.code === 'ENOENT') return undefined;
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${r.stderr}`);
  return r.stdout;
}

// Without kubectl: the kustomization's resources as they are (other kustomizations followed, no
// patches or image tags applied).
function resourceTexts(dir) {
  const { resources = [] } = yaml.load(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));
  return resources.flatMap((r) => {
    const p = path.join(dir, r);
    return fs.statSync(p).isDirectory() ? resourceTexts(p) : [fs.readFileSync(p, 'utf8')];
  });
}

function manifests(dir) {
  const rendered = renderKustomize(dir);
  const texts = rendered !== undefined ? [rendered] : resourceTexts(dir);
  return texts.flatMap((t) => yaml.loadAll(t)).filter(Boolean);
}

const dev = manifests(path.join(ROOT, 'deploy/k8s/overlays/dev'));
const base = manifests(path.join(ROOT, 'deploy/k8s/base'));
const deployments = new Map(dev.filter((m) => m.kind === 'Deployment').map((m) => [m.metadata.name, m]));
const services = new Set(dev.filter((m) => m.kind === 'Service').map((m) => m.metadata.name));
const kustomizationImages = ['deploy/k8s/base', 'deploy/k8s/overlays/dev'].flatMap((dir) => yaml.load(fs.readFileSync(path.join(ROOT, dir, 'kustomization.yaml'), 'utf8')).images ?? []);
const imageNames = new Set(kustomizationImages.map((i) => i.name));

for (const svc of SERVICES) {
  const d = deployments.get(svc.name);
  if (!check(d, `k8s: no Deployment for ${svc.name}`)) continue;
  check(services.has(svc.name), `k8s: no Service for ${svc.name}`);
  for (const c of d.spec.template.spec.containers) {
    const where = `k8s: ${svc.name}/${c.name}`;
    check(c.image, `${where} has no image`);
    check(imageNames.has(String(c.image).replace(/[:@].*$/, '')), `${where} image ${c.image} is not in a kustomization's images`);
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
const configMap = dev.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'cardshop-config');
const secret = base.find((m) => m.kind === 'Secret' && m.metadata.name === 'cardshop-secrets');
for (const [name, a] of Object.entries(ADAPTERS)) {
  check(SERVICES.some((s) => s.name === name), `tools/stack/stack.js: no service ${name}`);
  for (const p of a.routes) check(routes.get(p) === name, `k8s: Ingress must route ${p} to ${name}`);
  const d = deployments.get(name);
  if (!d) continue;
  const env = new Map(d.spec.template.spec.containers.flatMap((c) => c.env ?? []).map((e) => [e.name, e.valueFrom ?? {}]));
  for (const key of a.secrets) {
    check(env.get(key)?.secretKeyRef?.name === 'cardshop-secrets' && env.get(key)?.secretKeyRef?.key === key, `k8s: ${name} must read ${key} from secret cardshop-secrets`);
    check(secret?.stringData && key in secret.stringData, `k8s: the cardshop-secrets placeholder lacks ${key}`);
    check(!(configMap?.data && key in configMap.data), `k8s: ${key} is a secret, not a cardshop-config setting`);
  }
  for (const key of a.config) {
    check(env.get(key)?.configMapKeyRef?.name === 'cardshop-config' && env.get(key)?.configMapKeyRef?.key === key, `k8s: ${name} must read ${key} from config map cardshop-config`);
    check(configMap?.data && key in configMap.data, `k8s: cardshop-config lacks ${key}`);
  }
}

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
  const a = ADAPTERS[svc.name];
  for (const key of a ? [...a.secrets, ...a.config] : []) check(key in (c.environment ?? {}), `compose: ${svc.name} lacks ${key}`);
}
const composeCli = spawnSync('docker', ['compose', '-f', composeFile, 'config', '-q'], { encoding: 'utf8' });
const composeNote = composeCli.status === 0 ? 'docker compose config: ok' : 'docker compose config: not run (no compose plugin)';

if (problems.length) {
  console.error(`deploy/ has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`deploy/ ok: ${deployments.size} Deployments, ${base.length} base / ${dev.length} dev manifests; compose ${Object.keys(compose.services).length} services; ${composeNote}`);
