/**
 * The Electron main process entry (bundled to dist/main/index.cjs): the real Electron modules
 * handed to `startWardenApp`, and the host factory.
 *
 * The host core is loaded at run time from its own bundle (dist/core/index.cjs, the core's
 * public surface, which exports `createAppHost`) rather than bundled in here: the core stays one
 * copy, built once, and this entry never depends on the core's source layout.
 */
import { app, BrowserWindow, dialog, ipcMain, safeStorage, shell, utilityProcess } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { createLogger, type LogEntry } from '../core';
import type { AppHostFactory, AppHostLike, ElectronHostOptions } from './bridge-host';
import { startWardenApp } from './app-lifecycle';
import { runAsNodeAvailable, unpackedPath } from './extension-launcher';
import { createAppWarmPool, withPool, type AppPoolCore } from './warm-pool';
import { DEFAULT_LIMITS } from '../common/limits';

/** dist/, seen from dist/main/index.cjs. */
const dist = path.join(__dirname, '..');

/** Loads `createAppHost` from the core bundle and adapts it to the Electron ports; starts it. */
function loadHostFactory(): AppHostFactory {
  const corePath = path.join(dist, 'core', 'index.cjs');
  // A run-time require of our own built file, on purpose not bundled (see above).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const core = require(corePath) as Partial<AppPoolCore> & {
    createAppHost?: (o: CoreHostOptions) => AppHostLike & { start(): Promise<void> };
  };
  const create = core.createAppHost;
  const { createWarmPool, pythonSnapshot } = core;
  if (typeof create !== 'function' || typeof createWarmPool !== 'function' || typeof pythonSnapshot !== 'function') {
    throw new Error(
      `${corePath} does not export createAppHost, createWarmPool and pythonSnapshot (export them from electron/core/index.ts, then npm run build)`,
    );
  }
  return async (o) => {
    const examples =
      o.examplesDir && fs.existsSync(o.examplesDir)
        ? fs.readdirSync(o.examplesDir).map((n) => path.join(o.examplesDir!, n))
        : [];
    // Python's memory snapshot is made by this binary run as Node (docs/python.md); where the
    // build turned that off, Python extensions start cold rather than start a second app.
    const snapshots = runAsNodeAvailable({
      isPackaged: app.isPackaged,
      resourcesPath: process.resourcesPath ?? path.dirname(process.execPath),
      readFile: (file) => {
        try {
          return fs.readFileSync(file, 'utf8');
        } catch {
          return undefined;
        }
      },
    })
      ? {
          bootstrapPath: unpackedPath(path.join(dist, 'sandbox', 'bootstrap.cjs')),
          dir: path.join(o.dataDir, 'cache', 'v8'),
          runtime: process.execPath,
          env: { ELECTRON_RUN_AS_NODE: '1' },
        }
      : undefined;
    // One waiting sandbox process, and a Python-ready one once a Python extension is loaded (warm-pool.ts).
    const pool = createAppWarmPool(
      {
        createWarmPool,
        pythonSnapshot,
        ...(core.pythonRuntimeVerified ? { pythonRuntimeVerified: core.pythonRuntimeVerified } : {}),
      },
      { launcher: o.launcher, memoryMb: DEFAULT_LIMITS.memoryMb, ...(snapshots ? { pythonSnapshot: snapshots } : {}) },
    );
    const host = create({
      dataDir: o.dataDir,
      launcher: pool,
      mode: 'electron',
      version: o.appVersion,
      sample: o.sample,
      secrets: o.secrets,
      picker: o.picker,
      openExternal: o.openExternal,
      logger: o.logger,
      // The app's own code (dist/ and what ships beside it): never reachable by extensions' fs calls.
      protectedPaths: [path.join(dist, '..'), process.resourcesPath].filter((p): p is string => typeof p === 'string'),
      // The bundled examples load as developer folders, marked "unsigned" in the panel.
      devFolders: examples.filter((d) => fs.existsSync(path.join(d, 'manifest.json'))),
      ...(snapshots ? { pythonSnapshot: snapshots } : {}),
    });
    try {
      await host.start();
    } catch (err) {
      pool.close();
      throw err;
    }
    return withPool(host, pool);
  };
}

/** The subset of the core's AppHostOptions this adapter passes (kept in sync by the core's types). */
type CoreHostOptions = Omit<ElectronHostOptions, 'appVersion' | 'examplesDir'> & {
  version: string;
  devFolders: string[];
  protectedPaths: string[];
  pythonSnapshot?: { bootstrapPath: string; dir: string; runtime?: string; env?: Record<string, string> };
};

function stderrSink(entry: LogEntry): void {
  process.stderr.write(`${JSON.stringify(entry)}\n`);
}

startWardenApp({
  electron: {
    app,
    BrowserWindow,
    ipcMain,
    dialog,
    shell,
    safeStorage,
    fork: (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
  },
  createHost: (options: ElectronHostOptions): Promise<AppHostLike> =>
    Promise.resolve().then(() => loadHostFactory()(options)),
  paths: {
    preload: path.join(dist, 'preload', 'index.cjs'),
    renderer: path.join(dist, 'renderer', 'index.html'),
    bootstrap: path.join(dist, 'sandbox', 'bootstrap.cjs'),
    examples: app.isPackaged
      ? path.join(process.resourcesPath, 'extensions')
      : path.join(dist, '..', 'extensions', 'examples'),
  },
  logger: createLogger(stderrSink, { proc: 'main' }),
});
