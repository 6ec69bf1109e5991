import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (getconf CLK_TCK), or null off Linux. */
const ticksPerSecond: number | null = (() => {
  if (process.platform !== 'linux') return null;
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time used so far by every PostgreSQL process on this machine (backends, and the background processes too), in
 * milliseconds, read from /proc: with the gateway's own CPU it tells which side a request's cost is on. Null where
 * it cannot be read: not Linux, or a database on another host (`databaseUrl`'s host is not this machine). A process
 * that ends between two readings takes its time with it, so measure while the gateway's connections stay open (its
 * pool keeps them through a load).
 */
export function localPostgresCpuMs(databaseUrl: string): number | null {
  const host = new URL(databaseUrl).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(host) || !ticksPerSecond) return null;
  let ticks = 0;
  let found = false;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state is the first, utime the 12th, stime the 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      found = true;
    } catch {
      // The process ended between listing and reading.
    }
  }
  return found ? (ticks * 1000) / ticksPerSecond : null;
}
