// Per-thread CPU time of the benchmark's Chromium (node, Linux /proc): the browser process is found by a marker
// argument, then all its descendants' threads are read. Under a loaded machine wall time says little; the CPU
// seconds each worker thread burned say which thread carries the pipeline.
import { readdirSync, readFileSync } from 'node:fs';

export type ThreadCpu = { readonly tid: number; readonly comm: string; readonly secs: number };

const TICKS = 100; // USER_HZ on Linux

function stat(path: string): { ppid: number; comm: string; ticks: number } | undefined {
  try {
    const s = readFileSync(path, 'utf8');
    const close = s.lastIndexOf(')');
    const comm = s.slice(s.indexOf('(') + 1, close);
    const f = s.slice(close + 2).split(' ');
    return { ppid: Number(f[1]), comm, ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return undefined;
  }
}

/** CPU seconds of every thread of the process tree whose root's command line contains `marker`. */
export function readThreadCpu(marker: string): Map<number, ThreadCpu> {
  const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const parent = new Map<number, number>();
  let root: number | undefined;
  for (const pid of pids) {
    const s = stat(`/proc/${pid}/stat`);
    if (!s) continue;
    parent.set(pid, s.ppid);
    if (root === undefined) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) root = pid;
      } catch { /* gone */ }
    }
  }
  const out = new Map<number, ThreadCpu>();
  if (root === undefined) return out;
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = parent.get(p) ?? 0, hops++) if (p === root) return true;
    return false;
  };
  for (const pid of pids.filter(inTree)) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch { continue; }
    for (const t of tids) {
      const s = stat(`/proc/${pid}/task/${t}/stat`);
      if (s) out.set(Number(t), { tid: Number(t), comm: s.comm, secs: s.ticks / TICKS });
    }
  }
  return out;
}

/** Threads that used CPU between two readings, busiest first. */
export function diffThreadCpu(before: Map<number, ThreadCpu>, after: Map<number, ThreadCpu>): ThreadCpu[] {
  return [...after.values()].map((t) => ({ ...t, secs: t.secs - (before.get(t.tid)?.secs ?? 0) })).filter((t) => t.secs > 0.05).sort((a, b) => b.secs - a.secs);
}
