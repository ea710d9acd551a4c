/**
 * The app's warm pool (docs/python.md, "Start-up"), as `warden serve` keeps one: one pre-started
 * sandbox process waits for the next extension, and once a Python extension is installed or loaded
 * (the host calls `launcher.prepare`), one Python-ready spare too, started from the verified memory
 * snapshot, so a Python extension's start is its own imports. Without the snapshot (a build where
 * Electron cannot run as Node) the spare starts cold, in the background.
 *
 * The core is injected (index.ts passes the core bundle's own `createWarmPool` and
 * `pythonSnapshot`, the same module instance the host uses, so one snapshot maker runs, not two);
 * the tests pass the core's source with a fake launcher. Never imports electron.
 */
import type { Launcher, PythonSnapshot, PythonSnapshotOptions, WarmPool } from '../core';
import type { AppHostLike } from './bridge-host';

export interface AppPoolCore {
  createWarmPool(
    inner: Launcher,
    options: {
      size: number;
      memoryMb: number;
      python?: {
        snapshot(): Promise<PythonSnapshot | undefined>;
        verified?(): Promise<Record<string, { sha256: string; identity: string }> | undefined>;
      };
    },
  ): WarmPool;
  pythonSnapshot(options: PythonSnapshotOptions): Promise<PythonSnapshot | undefined>;
  /** The host runtime's files, verified once per identity (absent in an older core: the spare hashes them). */
  pythonRuntimeVerified?(
    options: PythonSnapshotOptions,
  ): Promise<Record<string, { sha256: string; identity: string }> | undefined>;
}

export interface AppPoolOptions {
  /** The launcher chosen for this platform (extension-launcher.ts): the pool's processes come from it. */
  launcher: Launcher;
  /** The pool's memory cap: extensions with another limit launch directly. */
  memoryMb: number;
  /** Where Python's snapshot is made and kept; absent: the Python spare starts cold. */
  pythonSnapshot?: PythonSnapshotOptions;
}

export function createAppWarmPool(core: AppPoolCore, o: AppPoolOptions): WarmPool {
  const snapshots = o.pythonSnapshot;
  return core.createWarmPool(o.launcher, {
    size: 1,
    memoryMb: o.memoryMb,
    python: {
      snapshot: () => (snapshots ? core.pythonSnapshot(snapshots) : Promise.resolve(undefined)),
      verified: () =>
        snapshots && core.pythonRuntimeVerified ? core.pythonRuntimeVerified(snapshots) : Promise.resolve(undefined),
    },
  });
}

/** The host as the app owns it, with the pool closed after the extensions stop (no waiting process outlives the app). */
export function withPool(host: AppHostLike, pool: Pick<WarmPool, 'close'>): AppHostLike {
  return {
    handle: (method, params) => host.handle(method, params),
    subscribe: (listener) => host.subscribe(listener),
    close: async () => {
      try {
        await host.close();
      } finally {
        pool.close();
      }
    },
  };
}
