// The machine's speed right now, as the CPU time a fixed piece of work takes: run as a child of the
// benchmark, it does the same work every `PROBE_EVERY_MS` and sends its CPU milliseconds to the
// parent. Machines of this kind vary by ±25 % from hour to hour (other tenants share the host's caches
// and cores), so CPU-ms per checkout is only comparable across runs once divided by this.
// The work is what the services mostly do: build, serialize and parse small objects. That work
// does not see a machine whose kernel got slower (on a paravirtualized host every syscall and
// wakeup can cost twice as much from one hour to the next), so the probe also times round trips
// over a pipe to a process of its own: the CPU this side spends per round trip (the write, the
// wakeup, the read) follows what a service pays per message.
import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const EVERY_MS = Number(process.env.PROBE_EVERY_MS ?? 500);
const ROUNDS = 300;
const ROUND_TRIPS = 50;

function work() {
  let size = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const order = { id: `order-${r}`, items: Array.from({ length: 8 }, (_, i) => ({ sku: `sku-${i}-${r}`, quantity: i + 1, price: { minor: 1000 + i * r, currency: 'CNY' } })), headers: { traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`, correlation: `c-${r}` } };
    const back = JSON.parse(JSON.stringify(order));
    size += back.items.length + new Map(Object.entries(back.headers)).size;
  }
  return size;
}

/** One byte to the echo process and back, `n` times in a row. */
async function pingPong(echo, n) {
  for (let i = 0; i < n; i++) {
    await new Promise((resolve) => {
      echo.stdout.once('data', resolve);
      echo.stdin.write('x');
    });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const echo = spawn(process.execPath, ['-e', "process.stdin.on('data', (d) => process.stdout.write(d))"], { stdio: ['pipe', 'pipe', 'ignore'] });
  process.on('disconnect', () => {
    echo.kill();
    process.exit(0);
  });
  process.send?.({ echoPid: echo.pid });
  work(); // compiled before the first measurement
  await pingPong(echo, ROUND_TRIPS);
  let busy = false;
  setInterval(async () => {
    if (busy) return;
    busy = true;
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    const beforeTrips = process.cpuUsage();
    await pingPong(echo, ROUND_TRIPS);
    const trips = process.cpuUsage(beforeTrips);
    process.send?.({ workMs: (used.user + used.system) / 1000, roundTripUs: (trips.user + trips.system) / ROUND_TRIPS });
    busy = false;
  }, EVERY_MS);
}

/**
 * Starts the probe; `take()` returns what each probe run measured since the last `take()` (`work`:
 * CPU-ms of the fixed work, `roundTrip`: CPU-µs per pipe round trip), `pids()` the probe's
 * processes, `stop()` ends it.
 */
export function startSpeedProbe() {
  const child = fork(fileURLToPath(import.meta.url), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  let work = [];
  let roundTrip = [];
  let echoPid;
  child.on('message', (m) => {
    if (m.echoPid) echoPid = m.echoPid;
    else {
      work.push(m.workMs);
      roundTrip.push(m.roundTripUs);
    }
  });
  return {
    pids: () => [child.pid, echoPid].filter(Boolean),
    take() {
      const taken = { work, roundTrip };
      work = [];
      roundTrip = [];
      return taken;
    },
    stop() {
      child.kill();
    },
  };
}
