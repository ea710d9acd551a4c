/** A supervisor whose launcher starts processes from the V8 start-up snapshot (snapshot-builder.ts). */
import fs from 'node:fs';
import path from 'node:path';
import { createForkLauncher, type ForkLauncher, type StartPathStatus } from '../../electron/core/process/fork-launcher';
import type { Supervisor } from '../../electron/core/supervision/supervisor';
import { DEFAULT_LIMITS } from '../../electron/common/limits';
import { BOOTSTRAP, createTestHost, type FixtureSpec } from './sandbox';

export const MEMORY_MB = DEFAULT_LIMITS.memoryMb;

export interface SnapshotHost {
  launcher: ForkLauncher;
  supervisor: Supervisor;
  /** Every start path the launcher announced, in order. */
  paths: StartPathStatus[];
  /** The command line of each process launched, read while it was starting. */
  cmdlines: string[][];
  add(spec: FixtureSpec): Promise<string>;
  close(): Promise<void>;
}

/** `niceness: 0` as a one-shot `warden run` (the compat tier compares with it). */
export function createSnapshotHost(cacheDir: string, options: { niceness?: number } = {}): SnapshotHost {
  const paths: StartPathStatus[] = [];
  const launcher = createForkLauncher({
    bootstrapPath: BOOTSTRAP,
    codeCacheDir: cacheDir,
    startupSnapshot: true,
    ...options,
    onStartPath: (s) => paths.push(s),
  });
  const cmdlines: string[][] = [];
  const recording: ForkLauncher = {
    ...launcher,
    launch(spec) {
      const child = launcher.launch(spec);
      // Right after spawn() /proc may still show the forked test runner (exec not done yet):
      // read again until the command line names the sandbox bootstrap, or the process is gone.
      const i = cmdlines.push([]) - 1;
      const read = () => {
        try {
          cmdlines[i] = cmdline(child.pid);
        } catch {
          return; // exited
        }
        if (!cmdlines[i]!.includes(BOOTSTRAP)) setTimeout(read, 1);
      };
      read();
      return child;
    },
  };
  const host = createTestHost({ launcher: recording });
  return { launcher, supervisor: host.supervisor, paths, cmdlines, add: host.add, close: host.close };
}

/** The blob (and its metadata) the launcher's snapshot store keeps in `cacheDir`. */
export function snapshotFiles(cacheDir: string): { blob: string; flags: string[] } {
  const blob = fs.readdirSync(cacheDir).find((f) => f.endsWith('.snapshot'));
  if (!blob) throw new Error('no snapshot blob');
  const meta = JSON.parse(fs.readFileSync(path.join(cacheDir, `${blob}.json`), 'utf8')) as { flags: string[] };
  return { blob: path.join(cacheDir, blob), flags: meta.flags };
}

/** The command line of a live process (Linux). */
export function cmdline(pid: number | undefined): string[] {
  return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
}
