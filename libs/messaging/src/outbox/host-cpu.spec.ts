import { HostCpu } from './host-cpu';

describe('HostCpu', () => {
  const core = (user: number, idle: number) => ({ times: { user, nice: 0, sys: 0, idle, irq: 0 } });

  it('is the busy share of all cores between two readings, read at most once per period', () => {
    let cores = [core(100, 900), core(100, 900)];
    const cpu = new HostCpu(1000, () => cores);
    expect(cpu.busy(0)).toBe(0);
    // Since then: 150 + 50 busy, 50 + 150 idle → half busy.
    cores = [core(250, 950), core(150, 1050)];
    expect(cpu.busy(500)).toBe(0); // not a period yet: the last value
    expect(cpu.busy(1000)).toBe(0.5);
    cores = [core(450, 950), core(350, 1050)];
    expect(cpu.busy(2000)).toBe(1);
  });
});
