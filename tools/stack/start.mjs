// `npm start`: the whole platform on this machine, seeded with a demo marketplace. Ctrl-C stops it.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { startStack } = require('./stack.js');
const { seedDemo } = require('./seed.js');

const t0 = Date.now();
const basePort = Number(process.env.BASE_PORT ?? 3000);
let stack;
try {
  stack = await startStack({ namespace: process.env.NATS_NAMESPACE ?? 'cardshop', basePort, log: (s) => console.log(`• ${s}`) });
} catch (e) {
  console.error(`\nCould not start the platform:\n${e.message}`);
  process.exit(1);
}
const seed = await seedDemo(stack.gateway, stack.opsToken).catch((e) => {
  console.error(`seeding failed: ${e.message}`);
  return { seeded: false, sellers: [] };
});
const secs = ((Date.now() - t0) / 1000).toFixed(1);
console.log(`
Card-key marketplace is up in ${secs} s${seed.seeded ? ' (demo marketplace seeded)' : ''}.

  Storefront        ${stack.gateway}/
  Public API        ${stack.gateway}/api/v1/products
  Provider sandbox  ${stack.sandbox}/control/health
  Ops dashboards    (Basic auth: any user name, password = the ops token below)
${Object.entries(stack.urls).map(([name, url]) => `    ${name.padEnd(17)} ${url}/ops`).join('\n')}
  Ops token         ${stack.opsToken}
  Logs              ${stack.logDir}
${seed.sellers.length ? `  Demo seller key   ${seed.sellers[0].apiKey}\n` : ''}
Press Ctrl-C to stop.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
