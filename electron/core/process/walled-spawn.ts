/**
 * Starts an extension process behind the best wall the machine offers (see wall-probe.ts) and
 * tells its owner when the wall has reported itself up. The launcher decides the mechanism once;
 * a wrapper that cannot apply every layer exits before the program runs, so a process never
 * runs with less than the launcher's status says.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { WallStatus } from '../../common/wall';
import { runtimeReadPaths } from './runtime-files';
import { planWalledSpawn, WALL_STATUS_FD } from './wall-plan';
import { confineComplete, parseConfineStatus, probeWall, type WallChoice } from './wall-probe';

export interface WalledSpawnOptions {
  runtime: string;
  bootstrapPath: string;
  codeCacheDir?: string;
  /** A file in the host's data folder that keeps the runtime's library list between runs. */
  runtimeFilesCache?: string;
  env: NodeJS.ProcessEnv;
  /** 'auto' (default) picks the strongest available; a named mechanism must be available. */
  wall?: WallChoice;
  /** warden-confine; defaults to `dist/native/warden-confine` beside the sandbox bundle. */
  helperPath?: string;
  /** Runtime resource folders to grant read (Electron's install folder when run as Node). */
  runtimeResourceDirs?: string[];
  /** Extra environment for the runtime itself (ELECTRON_RUN_AS_NODE=1). */
  runtimeEnv?: NodeJS.ProcessEnv;
  /** False when the runtime ignores Node's permission flags (Electron). */
  nodePermissionUsable?: boolean;
}

export interface WalledChild {
  child: ChildProcess;
  /** Resolves true once the wall reported every layer up, false if it never did. */
  confirmed: Promise<boolean>;
}

export interface WalledSpawner {
  readonly wall: WallStatus;
  /** Why stronger mechanisms were not used. */
  readonly skipped: readonly string[];
  spawn(runtimeFlags: string[], entry: string[]): WalledChild;
}

/**
 * Where `npm install` builds warden-confine: dist/native/, found from this module (bundled in
 * dist/core, or the source under electron/core/process) or beside the sandbox bundle. The
 * packaged app passes its own (resources/bin/<arch>/warden-confine).
 */
export function defaultHelperPath(bootstrapPath: string): string {
  const candidates = [
    path.join(__dirname, '..', 'native', 'warden-confine'),
    path.join(__dirname, '..', '..', '..', 'dist', 'native', 'warden-confine'),
    path.join(path.dirname(bootstrapPath), '..', 'native', 'warden-confine'),
  ];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0]!;
}

/**
 * What the wall grants of the entry script: its folder (the sandbox bundle is bootstrap.cjs +
 * sandbox.cjs in dist/sandbox), unless that folder is a broad one — the file system root, HOME
 * or a parent of it, the temp folder — where a folder grant would expose what the wall exists to
 * hide; then the entry file alone.
 */
export function bundleGrant(entry: string, home = os.homedir(), tmp = os.tmpdir()): string {
  const dir = path.resolve(path.dirname(entry));
  const broad = (d: string) => {
    const rel = path.relative(d, path.resolve(home));
    return (
      d === path.parse(d).root ||
      rel === '' ||
      (!rel.startsWith('..') && !path.isAbsolute(rel)) ||
      d === path.resolve(tmp) ||
      ['/tmp', '/var/tmp', '/dev/shm', '/run'].includes(d)
    );
  };
  return broad(dir) ? path.resolve(entry) : dir;
}

export function createWalledSpawner(o: WalledSpawnOptions): WalledSpawner {
  const helperPath = o.helperPath ?? defaultHelperPath(o.bootstrapPath);
  const probed = probeWall({
    choice: o.wall ?? 'auto',
    helperPath,
    nodePermissionUsable: o.nodePermissionUsable ?? true,
  });
  const mechanism = probed.status.mechanism;
  const sandboxDirs = [bundleGrant(o.bootstrapPath), ...(o.codeCacheDir ? [o.codeCacheDir] : [])];
  // Resolved once: the runtime's files do not change while the host runs.
  const readPaths =
    mechanism === 'landlock-seccomp' || mechanism === 'bubblewrap'
      ? [
          ...runtimeReadPaths({
            execPath: o.runtime,
            resourceDirs: o.runtimeResourceDirs,
            cacheFile: o.runtimeFilesCache,
          }),
          ...sandboxDirs,
        ]
      : [];
  const nodeMajor = Number(/^v?(\d+)/.exec(process.versions.node)?.[1] ?? 20);
  return {
    wall: probed.status,
    skipped: probed.skipped,
    spawn(runtimeFlags, entry) {
      const plan = planWalledSpawn({
        mechanism,
        runtime: o.runtime,
        runtimeFlags,
        entry,
        readPaths,
        nodeReadDirs: sandboxDirs.filter(isDir),
        nodeReadFiles: sandboxDirs.filter((p) => !isDir(p)),
        helperPath,
        parentPid: process.pid,
        runtimeEnv: Object.fromEntries(
          Object.entries(o.runtimeEnv ?? {}).filter((kv): kv is [string, string] => typeof kv[1] === 'string'),
        ),
        nodeMajor,
      });
      const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'pipe', 'pipe', 'pipe'];
      if (plan.reportsOnFd) stdio[WALL_STATUS_FD] = 'pipe';
      const child = spawn(plan.file, plan.args, {
        stdio,
        env: { ...o.env, ...o.runtimeEnv },
        windowsHide: true,
      });
      const confirmed = plan.reportsOnFd
        ? readStatus(child.stdio[WALL_STATUS_FD] as Readable, mechanism)
        : Promise.resolve(true);
      return { child, confirmed };
    },
  };
}

const isDir = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? true;

/** The wrapper's one status line, or bwrap's --info-fd JSON: the wall is up before exec. */
function readStatus(stream: Readable, mechanism: string): Promise<boolean> {
  return new Promise((resolve) => {
    let text = '';
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      stream.destroy();
      resolve(ok);
    };
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.length > 4096) return finish(false);
      if (mechanism === 'landlock-seccomp' && text.includes('\n')) finish(confineComplete(parseConfineStatus(text)));
      if (mechanism === 'bubblewrap' && text.includes('}')) finish(/"child-pid"\s*:\s*\d+/.test(text));
    });
    stream.on('error', () => finish(false));
    stream.on('close', () => finish(false));
  });
}
