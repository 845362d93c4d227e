/**
 * CPU time of a local process, from the kernel's per-thread accounting: what a piece of work cost
 * a workerd process (every thread: the worker, and miniflare's KV and queue which run in the same
 * process), whatever else the machine's shared cores are doing. Wall-clock medians on this machine
 * swing by 2× with the neighbours' load; CPU time does not wait in anyone's queue.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (ms) every thread of process `pid` has run so far. */
export function cpuMs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return ns / 1e6;
}

/** This process's workerd children (miniflare spawns one per instance). */
export function workerdChildren(): Set<number> {
  const out = spawnSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], {
    encoding: 'utf8',
  });
  const lines = out.stdout.split('\n').map((l) => l.trim().split(/\s+/));
  return new Set(lines.filter(([, comm]) => comm === 'workerd').map(([pid]) => Number(pid)));
}
