/**
 * The plain-Node launcher: one `node` child per extension, running the sandbox bootstrap.
 *
 * The channel is a private pipe on fd 3 with length-prefixed `v8.serialize` frames (the same
 * structured-clone semantics as Electron's `parentPort`), not Node's fork IPC: that parser
 * throws an uncaught error in this process on one malformed line from the child. Here a frame
 * that is too large is skipped unread and one that does not decode is reported, never thrown.
 *
 * Every child starts behind the second wall (process/walled-spawn.ts): Landlock + seccomp,
 * bubblewrap, Node's permission model, or SES only, whichever is the best the machine offers;
 * `launcher.wall` says which. Frames from a child are held until its wall has reported itself up.
 */
import fs from 'node:fs';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ChannelViolation, ExitInfo, ExtensionChild, LaunchSpec, Launcher } from './launcher';
import { createLineReader } from './line-reader';
import { createChildChannel } from './child-channel';
import { createCodeCachePrimer } from './code-cache-primer';
import { createStartupSnapshots, type StartupSnapshots } from './snapshot-builder';
import { createWalledSpawner } from './walled-spawn';
import type { WallChoice } from './wall-probe';

export interface ForkLauncherOptions {
  /** Path of the built sandbox bootstrap (`dist/sandbox/bootstrap.cjs`). */
  bootstrapPath: string;
  /** Node executable; defaults to the one running the host. */
  execPath?: string;
  /** Extra V8/Node flags (tests use it for e.g. `--stack-size`). */
  extraExecArgv?: string[];
  /** Where the sandbox's V8 code cache lives (a folder of the host's data dir): children read it, the host writes it. */
  codeCacheDir?: string;
  /** A file in the host's data folder where the runtime's library list (`ldd`) is kept between runs. */
  runtimeFilesCache?: string;
  /** The second wall: 'auto' (the strongest available) unless a mechanism is named (tests, benchmarks). */
  wall?: WallChoice;
  /** warden-confine; defaults to dist/native/warden-confine beside the sandbox bundle. */
  confineHelperPath?: string;
  /** Electron run as Node: its install folder (resources, ICU data, snapshots), read-only. */
  runtimeResourceDirs?: string[];
  /** Electron run as Node: ELECTRON_RUN_AS_NODE=1. Nothing of the host's environment. */
  runtimeEnv?: NodeJS.ProcessEnv;
  /** False for a runtime that ignores Node's permission flags. */
  nodePermissionUsable?: boolean;
  /**
   * How far below the host children run (default CHILD_NICENESS). A one-shot `warden run`, whose
   * host does nothing but wait for its one child, passes 0: on a loaded machine a niced child
   * there only makes the user wait (docs/os-wall.md, Scheduling).
   */
  niceness?: number;
  /**
   * Start processes from the V8 start-up snapshot (snapshot-builder.ts) once the host has built
   * and verified it in `codeCacheDir`; until then, and whenever it cannot be used, the usual way.
   * Plain Node only: it is not enabled for Electron run as Node (not shown to work there).
   */
  startupSnapshot?: boolean;
  /** Told whenever the way processes start changes (and which way they start first). */
  onStartPath?: (status: StartPathStatus) => void;
}

/** How this launcher's processes start: from the snapshot, or bootstrap.cjs (with the code cache or not). */
export interface StartPathStatus {
  path: 'snapshot' | 'code-cache' | 'compile';
  /** Why: the snapshot's flags, or why it is not used. */
  detail: string;
}

export interface ForkLauncher extends Launcher {
  /** The way the next process starts. */
  startPath(memoryMb: number): StartPathStatus;
  /** Resolves once the start-up snapshot for this memory cap is verified (true) or cannot be (false). */
  snapshotReady(memoryMb: number): Promise<boolean>;
}

/**
 * The environment handed to extension processes: nothing from the host's. It keeps tokens and
 * proxy credentials out of a process a SES escape would reach, and `LOCKDOWN_*`/`NODE_OPTIONS`
 * overrides out of the sandbox.
 */
export function minimalEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  if (process.platform === 'win32' && process.env.SYSTEMROOT) env.SYSTEMROOT = process.env.SYSTEMROOT;
  return env;
}

/** Extensions run below the host's priority: a busy child must not starve the host's loop. */
const CHILD_NICENESS = 10;

export function createForkLauncher(options: ForkLauncherOptions): ForkLauncher {
  const runtime = options.execPath ?? process.execPath;
  const niceness = options.niceness ?? CHILD_NICENESS;
  const spawner = createWalledSpawner({
    runtime,
    bootstrapPath: options.bootstrapPath,
    codeCacheDir: options.codeCacheDir,
    runtimeFilesCache: options.runtimeFilesCache,
    env: minimalEnv(),
    wall: options.wall,
    helperPath: options.confineHelperPath,
    runtimeResourceDirs: options.runtimeResourceDirs,
    runtimeEnv: options.runtimeEnv,
    nodePermissionUsable: options.nodePermissionUsable,
  });
  const primer = options.codeCacheDir
    ? createCodeCachePrimer({
        runtime,
        bootstrapPath: options.bootstrapPath,
        cacheDir: options.codeCacheDir,
        env: { ...minimalEnv(), ...options.runtimeEnv },
      })
    : undefined;
  const snapshots: StartupSnapshots | undefined =
    options.startupSnapshot && options.codeCacheDir
      ? createStartupSnapshots({
          runtime,
          entryPath: path.join(path.dirname(options.bootstrapPath), 'snapshot.cjs'),
          bootstrapPath: options.bootstrapPath,
          dir: options.codeCacheDir,
          env: { ...minimalEnv(), ...options.runtimeEnv },
        })
      : undefined;
  const flagsFor = (memoryMb: number) => [`--max-old-space-size=${memoryMb}`, ...(options.extraExecArgv ?? [])];
  let lastPath = '';
  const startPath = (flags: string[]): StartPathStatus & { blobFlags?: string[]; blob?: string } => {
    const usual: StartPathStatus['path'] = options.codeCacheDir ? 'code-cache' : 'compile';
    if (!snapshots) return { path: usual, detail: 'start-up snapshot not enabled' };
    const found = snapshots.lookup(flags);
    if (!found.ok) return { path: usual, detail: found.reason };
    const detail = found.flags.length ? `with ${found.flags.join(' ')}` : 'no extra V8 flags';
    return { path: 'snapshot', detail, blob: found.blob, blobFlags: found.flags };
  };
  return {
    wall: spawner.wall,
    startPath: (memoryMb) => {
      const { path: p, detail } = startPath(flagsFor(memoryMb));
      return { path: p, detail };
    },
    snapshotReady: (memoryMb) => (snapshots ? snapshots.ready(flagsFor(memoryMb)) : Promise.resolve(false)),
    launch(spec: LaunchSpec): ExtensionChild {
      const flags = flagsFor(spec.memoryMb);
      const how = startPath(flags);
      if (`${how.path}:${how.detail}` !== lastPath) {
        lastPath = `${how.path}:${how.detail}`;
        options.onStartPath?.({ path: how.path, detail: how.detail });
      }
      // From the snapshot: the blob's V8 flags must match the ones it was built with; node runs
      // its deserialised main and ignores the script (kept: the wall grants its folder).
      const runtimeFlags = how.blob ? [...flags, ...how.blobFlags!, `--snapshot-blob=${how.blob}`] : flags;
      const { child, confirmed } = spawner.spawn(runtimeFlags, [
        options.bootstrapPath,
        ...(options.codeCacheDir ? [`--code-cache-dir=${options.codeCacheDir}`] : []),
      ]);
      // After the spawn: whether a cache exists to prime (a read and hash of the 0.8 MB sandbox
      // bundle the first time) is no reason to start the process later.
      primer?.ensure(flags);
      let killedByHost = false;
      if (how.blob) {
        // A process that dies before it says anything, unasked, was not started by the blob as
        // it should be (V8 refused or aborted on it): the host stops using it and says so.
        let spoke = false;
        child.stdio[3]?.once('data', () => (spoke = true));
        child.once('close', (code, signal) => {
          if (spoke || killedByHost || (code === 0 && !signal)) return;
          snapshots!.reject(how.blob!, `a process started from it exited (${signal ?? code}) before it spoke`);
        });
      }
      const channel = child.stdio[3] as Socket;
      if (child.pid !== undefined && niceness !== 0) {
        try {
          os.setPriority(child.pid, niceness);
        } catch {
          // not permitted here: limits still apply, only scheduling is less favourable
        }
      }
      const messageListeners: Array<(m: unknown) => void> = [];
      const violationListeners: Array<(v: ChannelViolation) => void> = [];
      const outputListeners: Array<(line: string) => void> = [];
      const exitListeners: Array<(info: ExitInfo) => void> = [];
      const emitViolation = (v: ChannelViolation) => violationListeners.forEach((l) => l(v));

      // Frames are held until the wall is up: nothing a child says counts before it is confirmed.
      const link = createChildChannel(channel, {
        message: (m) => messageListeners.forEach((l) => l(m)),
        violation: emitViolation,
      });
      void confirmed.then((ok) => {
        if (!ok) {
          // Never fail open: a child whose wall did not report itself up is stopped unheard.
          outputListeners.forEach((l) =>
            l(`warden: the ${spawner.wall.label} wall did not report itself up; process stopped`),
          );
          killedByHost = true;
          child.kill('SIGKILL');
          return;
        }
        link.open();
        // warden-confine gave the child its own session, and so (with Linux's autogroup
        // scheduling) its own CPU group, where the per-process nice above no longer ranks it
        // below the host: nice the group instead. Only now, after its setsid is confirmed:
        // before it, the group would be the host's own.
        if (spawner.wall.mechanism === 'landlock-seccomp' && child.pid !== undefined && niceness !== 0) {
          try {
            fs.writeFileSync(`/proc/${child.pid}/autogroup`, String(niceness));
          } catch {
            // no autogroup scheduling here: the process nice stands
          }
        }
      });
      channel.on('error', () => {}); // EPIPE after the child died: the exit event reports it

      const lines = createLineReader(8 * 1024, (line) => outputListeners.forEach((l) => l(line)));
      child.stdout!.on('data', lines);
      child.stderr!.on('data', lines);

      let exited = false;
      child.on('error', () => {
        // spawn failure: reported as an exit so owners have one path for "the process is gone"
        if (exited) return;
        exited = true;
        exitListeners.forEach((l) => l({ code: null, signal: 'ESPAWN' }));
      });
      // 'close', not 'exit': it comes after stdout/stderr are drained, so a fatal message the
      // process printed (V8's "heap out of memory") is in hand when the exit is explained.
      child.on('close', (code, signal) => {
        if (exited) return;
        exited = true;
        channel.destroy();
        exitListeners.forEach((l) => l({ code, signal }));
      });

      return {
        get pid() {
          return child.pid;
        },
        onMessage: (l) => void messageListeners.push(l),
        onViolation: (l) => void violationListeners.push(l),
        onOutput: (l) => void outputListeners.push(l),
        onExit: (l) => void exitListeners.push(l),
        send(message, onFlushed) {
          if (exited) return void onFlushed?.();
          link.send(message, onFlushed);
        },
        outbound: () => link.outbound(),
        kill() {
          killedByHost = true;
          if (!exited) child.kill('SIGKILL');
        },
      };
    },
  };
}
