// The machine's speed right now, as the CPU time a fixed piece of work takes: run as a child of the
// benchmark, it does the same work every `PROBE_EVERY_MS` and sends its CPU milliseconds to the
// parent. Machines of this kind vary by ±25 % from hour to hour (other tenants share the host's caches
// and cores), so CPU-ms per checkout is only comparable across runs once divided by this.
// The work is what the services mostly do: build, serialize and parse small objects.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const EVERY_MS = Number(process.env.PROBE_EVERY_MS ?? 500);
const ROUNDS = 300;

function work() {
  let size = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const order = { id: `order-${r}`, items: Array.from({ length: 8 }, (_, i) => ({ sku: `sku-${i}-${r}`, quantity: i + 1, price: { minor: 1000 + i * r, currency: 'CNY' } })), headers: { traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`, correlation: `c-${r}` } };
    const back = JSON.parse(JSON.stringify(order));
    size += back.items.length + new Map(Object.entries(back.headers)).size;
  }
  return size;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.on('disconnect', () => process.exit(0));
  work(); // compiled before the first measurement
  setInterval(() => {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    process.send?.((used.user + used.system) / 1000);
  }, EVERY_MS);
}

/** Starts the probe; `take()` returns the CPU-ms of each probe run since the last `take()`, `stop()` ends it. */
export function startSpeedProbe() {
  const child = fork(fileURLToPath(import.meta.url), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  let samples = [];
  child.on('message', (ms) => samples.push(ms));
  return {
    pid: child.pid,
    take() {
      const taken = samples;
      samples = [];
      return taken;
    },
    stop() {
      child.kill();
    },
  };
}
