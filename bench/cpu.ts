// CPU counters from /proc (Linux): the whole machine, and one process (all its threads). The machine
// is shared with other work, so the report says how much CPU others took during each measurement.
import { readdirSync, readFileSync } from 'node:fs';

const clockTicks = 100; // USER_HZ on Linux

/** Busy and total CPU time of the whole machine since boot, in ms summed over all cores. */
export function machineCpuMs(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest times are already in user/nice)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: (busy * 1000) / clockTicks, total: ((busy + idle + iowait) * 1000) / clockTicks };
}

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) " the state is field 3: ppid (4) sits at index 1, utime (14) and stime (15) at 11 and 12.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone meanwhile
  }
}

/** User + system CPU time of a process (all threads) and its live child processes (serve --workers), in ms. */
export function processCpuMs(pid: number): number {
  const children = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && statFields(Number(name))?.[1] === String(pid))
    .map(Number);
  const own = statFields(pid);
  const ownMs = own ? ((Number(own[11]) + Number(own[12])) * 1000) / clockTicks : 0;
  return ownMs + children.reduce((sum, child) => sum + processCpuMs(child), 0);
}

/** Measures machine, and optionally one process, between start() and stop(). Percentages: 100 = one core. */
export function cpuWindow(pid?: number) {
  const machineStart = machineCpuMs();
  const processStart = pid === undefined ? 0 : processCpuMs(pid);
  const clientStart = process.cpuUsage();
  const wallStart = performance.now();
  return () => {
    const wallMs = performance.now() - wallStart;
    const machine = machineCpuMs();
    const client = process.cpuUsage(clientStart);
    return {
      wallMs,
      machineBusyMs: machine.busy - machineStart.busy,
      processMs: pid === undefined ? 0 : processCpuMs(pid) - processStart,
      selfMs: (client.user + client.system) / 1000,
    };
  };
}
