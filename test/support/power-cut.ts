// A power cut, simulated on a LevelDB folder from a trace of what the process that wrote it
// asked the kernel to do (strace's record of its write, fsync and fdatasync calls).
//
// What a power cut loses: bytes written to a file but not yet made durable by an fsync or
// fdatasync on it that began after they were written. LevelDB fsyncs everything but its
// write-ahead log (tables, the MANIFEST, the folder) before it relies on it; its log (the
// `NNNNNN.log` files) it appends to with write(2) and fsyncs only for a write with the `sync`
// option. So the simulation cuts each log the traced process wrote down to the size it had
// when the last fsync or fdatasync of it began, the most the machine guaranteed to keep: 0 if
// it was never synced. Logs the traced process did not write are left alone, as is everything
// else. The kernel may well have written more before the cut; losing all it may lose is the
// worst case, which is the one a promise of durability must survive.

import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync, statSync, truncateSync } from 'node:fs';

/** Whether strace can trace a process here. The power-cut test is skipped, loudly, if not. */
export function straceAvailable(): boolean {
  return spawnSync('strace', ['-qq', '-e', 'trace=none', 'true'], { stdio: 'ignore' }).status === 0;
}

/** strace's arguments to trace a command's writes and syncs, with each file's path, to `traceFile`. */
export function traceArgs(traceFile: string): string[] {
  return ['-f', '-qq', '-s', '0', '-y', '-e', 'trace=write,fsync,fdatasync', '-o', traceFile];
}

export interface LogFate {
  path: string;
  /** Bytes the traced process wrote to the log. */
  written: number;
  /** Bytes written before the last sync of it began: what a power cut keeps. */
  synced: number;
}

/** Each LevelDB log in `folder` the trace shows written, with what a power cut would keep of it. */
export function logFates(traceFile: string, folder: string): LogFate[] {
  const root = realpathSync(folder);
  const fates = new Map<string, LogFate>();
  const fate = (path: string) => {
    let found = fates.get(path);
    if (found === undefined) fates.set(path, (found = { path, written: 0, synced: 0 }));
    return found;
  };
  // With several threads, strace splits a call that another interrupts into its start
  // (`… <unfinished ...>`) and its end (`<... name resumed>…`); a sync keeps what was written
  // when it began, so a sync's start notes the size then.
  const started = new Map<string, { text: string; writtenAtStart: number }>();
  for (const line of readFileSync(traceFile, 'utf8').split('\n')) {
    const match = /^(\d+)\s+(.*)$/.exec(line);
    if (match === null) continue;
    const [, pid, rest] = match as unknown as [string, string, string];
    let text = rest;
    let writtenAtStart: number | undefined;
    if (rest.endsWith('<unfinished ...>')) {
      const path = callOf(rest)?.path;
      started.set(pid, { text: rest, writtenAtStart: path ? (fates.get(path)?.written ?? 0) : 0 });
      continue;
    }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(rest);
    if (resumed !== null) {
      const start = started.get(pid);
      started.delete(pid);
      if (start === undefined) continue;
      text = start.text.replace(/\s*<unfinished \.\.\.>$/, '') + resumed[1];
      writtenAtStart = start.writtenAtStart;
    }
    const call = callOf(text);
    if (call === null || !call.path.startsWith(`${root}/`) || !call.path.endsWith('.log')) continue;
    if (call.result < 0) continue;
    const log = fate(call.path);
    if (call.name === 'write') log.written += call.result;
    else log.synced = writtenAtStart ?? log.written;
  }
  return [...fates.values()];
}

/** Cuts each log the trace shows written back to what was synced; returns the fates it applied. */
export function cutPower(traceFile: string, folder: string): LogFate[] {
  const fates = logFates(traceFile, folder);
  for (const { path, written, synced } of fates) {
    // The trace must account for every byte of the log, or the simulation is not of this run.
    const size = statSync(path).size;
    if (size !== written) throw new Error(`${path} has ${size} bytes but the trace shows ${written} written`);
    truncateSync(path, synced);
  }
  return fates;
}

function callOf(text: string): { name: string; path: string; result: number } | null {
  const match = /^(write|fsync|fdatasync)\(\d+<([^>]*)>.*\)\s+=\s+(-?\d+)/.exec(text);
  if (match !== null) return { name: match[1]!, path: match[2]!, result: Number(match[3]) };
  const start = /^(write|fsync|fdatasync)\(\d+<([^>]*)>/.exec(text);
  return start === null ? null : { name: start[1]!, path: start[2]!, result: -1 };
}
