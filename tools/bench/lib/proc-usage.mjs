// CPU time and memory of the processes behind one stack, read from /proc (Linux only). Services
// are found by command line and their NATS_NAMESPACE, so stacks other engineers run at the same
// time on this machine are not counted; PostgreSQL backends by the database they serve.
import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
const PAGE = 4096;

const read = (file) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined; // the process ended between listing and reading
  }
};

/** The pids of every process on the machine. */
const allPids = () => fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));

/** A process's name, utime+stime in seconds and RSS in bytes, from /proc/<pid>/stat (fields after the "(comm)"). */
function procStat(pid) {
  const s = read(`/proc/${pid}/stat`);
  if (!s) return undefined;
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return { name: s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')), cpu: (Number(f[11]) + Number(f[12])) / CLK_TCK, rss: Number(f[21]) * PAGE };
}

/** CPU seconds, RSS and PSS of one process. */
function statOf(pid) {
  const st = procStat(pid);
  if (!st) return undefined;
  // PSS splits shared pages (PostgreSQL's shared buffers, above all) between the processes mapping
  // them, so group totals do not count the same memory several times; RSS is kept for reference.
  const pssKb = Number(read(`/proc/${pid}/smaps_rollup`)?.match(/^Pss:\s+(\d+) kB/m)?.[1]);
  return { cpu: st.cpu, rss: st.rss, pss: Number.isFinite(pssKb) ? pssKb * 1024 : st.rss };
}

/**
 * Every process that makes up the stack, grouped: one group per service, `postgres (own db)`
 * for backends of this database, and the shared infrastructure (postmaster and its helpers,
 * nats-server) whose numbers include whatever else runs on the machine.
 */
export function listProcesses({ namespace, database }) {
  const out = [];
  for (const pid of allPids()) {
    const cmd = read(`/proc/${pid}/cmdline`)?.split('\0').filter(Boolean);
    if (!cmd?.length) continue;
    const line = cmd.join(' ');
    const main = cmd.find((a) => /services\/.+\/dist\/main\.js$/.test(a));
    if (main && cmd[0].endsWith('node')) {
      const env = read(`/proc/${pid}/environ`) ?? '';
      if (!env.split('\0').includes(`NATS_NAMESPACE=${namespace}`)) continue;
      const name = env.split('\0').find((e) => e.startsWith('SERVICE_NAME='))?.slice(13) ?? main;
      out.push({ pid, group: name, kind: 'service' });
    } else if (/^postgres: /.test(line) || /\/postgres$/.test(cmd[0])) {
      // A backend's title is "postgres: <cluster>: <user> <database> <client> <state>".
      const own = new RegExp(`: \\S+ ${database} (\\d|\\[local\\])`).test(line);
      out.push({ pid, group: own ? 'postgres (own db)' : 'postgres (shared)', kind: own ? 'db' : 'shared' });
    } else if (/(^|\/)nats-server$/.test(cmd[0])) {
      out.push({ pid, group: 'nats-server (shared)', kind: 'shared' });
    }
  }
  return out;
}

/** Machine-wide busy CPU seconds (all cores, every process), to show how busy the box was. */
export function machineBusySeconds() {
  const f = read('/proc/stat').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] ?? 0);
  return (f.slice(0, 8).reduce((a, b) => a + b, 0) - idle) / CLK_TCK;
}

/** CPU seconds of every process on the machine (kernel threads included), by pid, with its name. */
function everyProcess() {
  const all = new Map();
  for (const pid of allPids()) {
    const st = procStat(pid);
    if (st) all.set(pid, st);
  }
  return all;
}

/** A sample of CPU seconds and RSS per pid; diff two samples with `cpuBetween`. */
export function sample(opts) {
  const procs = listProcesses(opts).map((p) => ({ ...p, ...statOf(p.pid) })).filter((p) => p.cpu !== undefined);
  return { at: Date.now(), machine: machineBusySeconds(), procs, all: everyProcess() };
}

/**
 * What else used the machine between two samples, by process name, busiest first: processes that
 * are neither the stack (`procs`), nor the shared PostgreSQL and NATS, nor the benchmark itself
 * (`exclude`: its pid and its children's). A kernel thread such as a memory monitor shows here.
 */
function othersBetween(a, b, exclude) {
  const ours = new Set([...b.procs.map((p) => p.pid), ...exclude.map(String)]);
  const byName = new Map();
  for (const [pid, p] of b.all) {
    if (ours.has(pid)) continue;
    const cpu = p.cpu - (a.all.get(pid)?.cpu ?? 0);
    if (cpu > 0) byName.set(p.name, (byName.get(p.name) ?? 0) + cpu);
  }
  return [...byName].map(([name, cpu]) => ({ name, cpu })).sort((x, y) => y.cpu - x.cpu);
}

/** CPU seconds used per group between two samples; a process born in between counts from zero. */
export function cpuBetween(a, b, exclude = []) {
  const before = new Map(a.procs.map((p) => [p.pid, p.cpu]));
  const groups = new Map();
  for (const p of b.procs) {
    const g = groups.get(p.group) ?? { group: p.group, kind: p.kind, cpu: 0, rss: 0, pss: 0, processes: 0 };
    g.cpu += p.cpu - (before.get(p.pid) ?? 0);
    g.rss += p.rss;
    g.pss += p.pss;
    g.processes += 1;
    groups.set(p.group, g);
  }
  return { seconds: (b.at - a.at) / 1000, machineBusy: b.machine - a.machine, groups: [...groups.values()].sort((x, y) => y.cpu - x.cpu), others: othersBetween(a, b, exclude) };
}

export function machine() {
  const model = read('/proc/cpuinfo')?.match(/^model name\s*:\s*(.*)$/m)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return { cores: os.cpus().length, model, node: process.version, memoryBytes: os.totalmem() };
}
