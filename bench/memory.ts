// Memory of the local app, read from Linux's /proc: which workerd processes `wrangler dev` started for this bench,
// their resident set now (VmRSS) and at its peak (VmHWM), and resetting that peak before a measurement.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** wrangler dev runs two workerd processes: a proxy on the public port, and the app (Worker, D1, Durable Objects). */
export type Workerd = { pid: number; role: 'app' | 'proxy' };
export type Resident = { rssKiB: number; peakKiB: number };

function readParent(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": the command may hold spaces and parentheses, so read after the last ')'.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function readCommand(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function isDescendantOf(pid: number, ancestor: number): boolean {
  for (let current: number | undefined = pid, hops = 0; current && current > 1 && hops < 64; hops++) {
    if (current === ancestor) return true;
    current = readParent(current);
  }
  return false;
}

/** The workerd processes below this bench process (other people's test runs on the machine are not ours). */
export function findWorkerds(port: number): Workerd[] {
  const pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  return pids
    .filter((pid) => /\/workerd serve /.test(readCommand(pid)) && isDescendantOf(pid, process.pid))
    .map((pid) => ({ pid, role: readCommand(pid).includes(`entry=127.0.0.1:${port} `) ? 'proxy' : 'app' }));
}

export function readResident(pid: number): Resident {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssKiB: field('VmRSS'), peakKiB: field('VmHWM') };
}

/** Sets the process's peak resident set back to its current size (Linux: "5" into clear_refs). */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
