/**
 * What a server process used, read from Linux's /proc: CPU time (user + system,
 * all threads) and memory. The CPU time a route costs per request is the
 * per-request cost the flatness figures compare: unlike requests per second it
 * hardly moves when other work shares the machine.
 */
import { existsSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat on Linux (USER_HZ, 100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

export const procAvailable = () => existsSync('/proc/self/stat');

/** CPU seconds the process has used so far, or NaN off Linux. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime: fields 14 and 15 of stat
  } catch {
    return Number.NaN;
  }
}

export interface MemoryFigures {
  /** Resident set, KiB. */
  rssKiB: number;
  /** Of which anonymous memory (the heaps: V8's and SQLite's), KiB. */
  anonKiB: number;
  /** Peak resident set, KiB. */
  peakKiB: number;
}

/** The process's memory from /proc/<pid>/status. */
export function memory(pid: number): MemoryFigures {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssKiB: kib('VmRSS'), anonKiB: kib('RssAnon'), peakKiB: kib('VmHWM') };
}
