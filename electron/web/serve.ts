/**
 * `warden serve` / `npm start` without Electron: the app host with a warm pool of sandbox
 * processes, served to a browser on 127.0.0.1.
 */
import path from 'node:path';
import {
  createAppHost,
  type AppHost,
  createForkLauncher,
  createWarmPool,
  pythonSnapshot,
  pythonRuntimeVerified,
  type Logger,
  type Notifier,
} from '../core';
import { DEFAULT_LIMITS } from '../common/limits';
import { startHeadlessServer, type HeadlessServer } from './server';

export interface ServeOptions {
  dataDir: string;
  bootstrapPath: string;
  rendererDir: string;
  version: string;
  port?: number;
  token?: string;
  devFolders?: string[];
  catalog?: string;
  catalogRefreshMs?: number;
  policyFile?: string;
  promptTimeoutMs?: number;
  logger?: Logger;
  notifier?: Notifier;
}

export interface Serving {
  host: AppHost;
  server: HeadlessServer;
  close(): Promise<void>;
}

export async function serveHeadless(o: ServeOptions): Promise<Serving> {
  // One pre-locked process waits for the next extension to start (a long-running host); once a
  // Python extension is loaded, a Python-ready one too, started from the verified snapshot.
  const codeCacheDir = path.join(o.dataDir, 'cache', 'v8');
  const snapshots = { bootstrapPath: o.bootstrapPath, dir: codeCacheDir };
  // Processes start from the host-built, verified start-up snapshot once it exists (SES and
  // lockdown inside the blob; docs/os-wall.md); the log says which way they start.
  const launcher = createForkLauncher({
    bootstrapPath: o.bootstrapPath,
    codeCacheDir,
    startupSnapshot: true,
    onStartPath: (s) => o.logger?.info(`extension processes start from ${s.path}`, { detail: s.detail }),
  });
  const pool = createWarmPool(launcher, {
    size: 1,
    memoryMb: DEFAULT_LIMITS.memoryMb,
    python: { snapshot: () => pythonSnapshot(snapshots), verified: () => pythonRuntimeVerified(snapshots) },
  });
  let host: AppHost | undefined;
  let server: HeadlessServer;
  try {
    host = createAppHost({
      dataDir: o.dataDir,
      launcher: pool,
      pythonSnapshot: snapshots,
      mode: 'headless',
      version: o.version,
      devFolders: o.devFolders,
      catalog: o.catalog,
      catalogRefreshMs: o.catalogRefreshMs,
      policyFile: o.policyFile,
      promptTimeoutMs: o.promptTimeoutMs,
      logger: o.logger,
      notifier: o.notifier,
      // The Warden folder (dist/sandbox/bootstrap.cjs → its root): the code every sandbox runs.
      protectedPaths: [path.resolve(o.bootstrapPath, '..', '..', '..')],
      note: 'Headless mode: the Electron binary is not available here, so Warden runs in your browser on 127.0.0.1.',
    });
    await host.start();
    server = await startHeadlessServer({
      host,
      rendererDir: o.rendererDir,
      port: o.port,
      token: o.token,
      logger: o.logger,
    });
  } catch (err) {
    // The warm pool's pre-started process would keep a failed server's process alive (a hang).
    await host?.close().catch(() => {});
    pool.close();
    throw err;
  }
  const started = host;
  return {
    host: started,
    server,
    async close() {
      await server.close();
      await started.close();
      pool.close();
    },
  };
}
