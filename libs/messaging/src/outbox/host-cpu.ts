import { cpus, type CpuInfo } from 'node:os';

/**
 * How busy the host's CPUs were lately: the busy share of all cores' time between two readings at
 * least `everyMs` apart, read lazily when asked (no timer of its own). Processes pace their work
 * by it, batching only when the machine has no CPU to spare.
 */
export class HostCpu {
  private last?: { at: number; idle: number; total: number };
  private busyShare = 0;

  constructor(
    private readonly everyMs = 1000,
    private readonly read: () => Pick<CpuInfo, 'times'>[] = cpus,
  ) {}

  /** 0 (idle) to 1 (every core busy), as of the last reading; 0 until two readings exist. */
  busy(now = Date.now()): number {
    if (this.last && now - this.last.at < this.everyMs) return this.busyShare;
    let idle = 0;
    let total = 0;
    for (const { times } of this.read()) {
      idle += times.idle;
      total += times.user + times.nice + times.sys + times.idle + times.irq;
    }
    if (this.last && total > this.last.total) this.busyShare = 1 - (idle - this.last.idle) / (total - this.last.total);
    this.last = { at: now, idle, total };
    return this.busyShare;
  }
}
