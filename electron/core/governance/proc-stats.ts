/**
 * Real resource use of a child process, read from the OS rather than trusted from the child:
 * CPU time and resident memory from /proc on Linux. In the Electron app the same shape comes
 * from `app.getAppMetrics()`; elsewhere `readProcStats` returns undefined and only the heap cap,
 * heartbeats and timeouts apply (said in the metrics as `sampled: false`).
 */
import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';

export interface ProcSample {
  /** Total CPU time used so far (user + system), in milliseconds. */
  cpuMs: number;
  /** Resident set size in bytes (includes ArrayBuffer memory that the heap cap misses). */
  rssBytes: number;
  /**
   * Time the main thread has spent runnable but waiting for a CPU, in ms (Linux schedstat). CPU
   * time alone cannot tell an idle process from a busy one starved by a loaded machine; this can.
   */
  waitMs?: number;
}

export type ProcSampler = (pid: number) => ProcSample | undefined;

/** ELF auxiliary vector keys the kernel hands every process (linux/auxvec.h). */
const AT_PAGESZ = 6;
const AT_CLKTCK = 17;

/**
 * The kernel's own answers for sysconf(PAGESIZE/CLK_TCK), read from /proc/self/auxv: what libc's
 * sysconf returns, without starting `getconf` twice (~10–40 ms on a host's first sample, which a
 * one-shot `warden run` pays on its critical path).
 */
export function auxvValue(type: number, data = readAuxv()): number | undefined {
  if (!data) return undefined;
  const wide = process.arch.endsWith('64') || process.arch === 's390x';
  const size = wide ? 8 : 4;
  const le = os.endianness() === 'LE';
  const at = (i: number) =>
    wide
      ? Number(le ? data.readBigUInt64LE(i) : data.readBigUInt64BE(i))
      : le
        ? data.readUInt32LE(i)
        : data.readUInt32BE(i);
  for (let i = 0; i + 2 * size <= data.length; i += 2 * size) {
    const t = at(i);
    if (t === 0) return undefined; // AT_NULL ends the vector
    if (t === type) return at(i + size);
  }
  return undefined;
}

function readAuxv(): Buffer | undefined {
  try {
    return fs.readFileSync('/proc/self/auxv');
  } catch {
    return undefined;
  }
}

function sysconf(name: string, fallback: number, auxType: number): number {
  const fromKernel = auxvValue(auxType);
  if (fromKernel !== undefined && Number.isSafeInteger(fromKernel) && fromKernel > 0) return fromKernel;
  try {
    const v = Number(execFileSync('getconf', [name], { encoding: 'utf8', timeout: 2000 }).trim());
    return Number.isFinite(v) && v > 0 ? v : fallback;
  } catch {
    return fallback;
  }
}

let ticks: number | undefined;
let page: number | undefined;

/** Linux: /proc/<pid>/stat fields 14-15 (utime, stime in clock ticks) and statm (resident pages). */
export const readProcStats: ProcSampler = (pid) => {
  if (process.platform !== 'linux') return undefined;
  try {
    ticks ??= sysconf('CLK_TCK', 100, AT_CLKTCK);
    page ??= sysconf('PAGESIZE', 4096, AT_PAGESZ);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const resident = Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    if (![utime, stime, resident].every(Number.isFinite)) return undefined;
    const sample: ProcSample = { cpuMs: ((utime + stime) * 1000) / ticks, rssBytes: resident * page };
    const wait = readRunDelayMs(pid);
    if (wait !== undefined) sample.waitMs = wait;
    return sample;
  } catch {
    return undefined; // the process is gone, or /proc is not readable
  }
};

/** /proc/<pid>/schedstat: "<on-cpu ns> <run-queue wait ns> <slices>" of the main thread. */
function readRunDelayMs(pid: number): number | undefined {
  try {
    const ns = Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  } catch {
    return undefined; // a kernel without schedstats: CPU time alone decides
  }
}

/** Private memory (USS) of a process: Private_Clean + Private_Dirty from smaps_rollup. */
export function readUss(pid: number): number | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    const uss = (kb('Private_Clean') + kb('Private_Dirty')) * 1024;
    return Number.isFinite(uss) ? uss : undefined;
  } catch {
    return undefined;
  }
}
