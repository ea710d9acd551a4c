/**
 * The app's lifecycle, with every Electron module passed in (index.ts passes the real ones):
 *
 * - one instance: a second launch focuses the first window and exits;
 * - on `ready`: the host (core) with its Electron ports — utilityProcess launcher, app-metrics
 *   sampler, safeStorage secrets, native picker, confirmed openExternal — then the IPC bridge,
 *   then the window;
 * - every webContents, not only ours, is hardened as it is created;
 * - quitting stops every extension first (`host.close()`, bounded by a timeout), then quits;
 * - crashed or killed child processes are logged (the supervisor sees extension exits itself).
 */
import path from 'node:path';
import type { App, BrowserWindow, BrowserWindowConstructorOptions, Dialog, IpcMain, Shell } from 'electron';
import type { Logger } from '../core';
import type { AppHostFactory, AppHostLike } from './bridge-host';
import { createAppMetricsSampler } from './app-metrics';
import { confirmOpenExternal, createDialogPicker, type MessageDialog, type OpenDialog } from './dialogs';
import { hardenWebContents } from './harden-web-contents';
import { createSenderCheck, registerBridgeIpc } from './ipc';
import { createMainWindow } from './main-window';
import { createSafeStorageSecretStore, type SafeStorageLike } from './safe-storage-secrets';
import { createUtilityProcessLauncher, type UtilityFork } from './utility-process-launcher';

export interface ElectronModules {
  app: Pick<
    App,
    | 'requestSingleInstanceLock'
    | 'enableSandbox'
    | 'whenReady'
    | 'on'
    | 'quit'
    | 'exit'
    | 'getPath'
    | 'getVersion'
    | 'getAppMetrics'
    | 'isPackaged'
  >;
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  dialog: OpenDialog & MessageDialog & Pick<Dialog, 'showErrorBox'>;
  shell: Pick<Shell, 'openExternal'>;
  safeStorage: SafeStorageLike;
  fork: UtilityFork;
}

export interface WardenAppOptions {
  electron: ElectronModules;
  /** Makes the host; called once, after `ready`. */
  createHost: AppHostFactory;
  paths: {
    /** dist/preload/index.cjs */
    preload: string;
    /** dist/renderer/index.html */
    renderer: string;
    /** dist/sandbox/bootstrap.cjs, the extension process entry. */
    bootstrap: string;
    /** The sample extensions, when shipped. */
    examples?: string;
    icon?: string;
  };
  logger: Logger;
  /** How long quitting waits for the extensions to stop before it quits anyway (ms). */
  closeTimeoutMs?: number;
  platform?: NodeJS.Platform;
}

export interface WardenApp {
  /** Settles when startup finished (or failed and the app is exiting). */
  ready: Promise<void>;
  /** The window, while there is one. */
  window(): BrowserWindow | undefined;
}

/**
 * Starts the app. Must be called before `ready` (single-instance lock, `enableSandbox`).
 *
 * @param options - Electron's modules, the host factory, the paths and the log.
 * @returns the startup promise and the window accessor (for tests).
 */
export function startWardenApp(options: WardenAppOptions): WardenApp {
  const { app, dialog, shell } = options.electron;
  const { logger, paths } = options;
  const platform = options.platform ?? process.platform;
  let window: BrowserWindow | undefined;
  let hostPromise: Promise<AppHostLike | undefined> = Promise.resolve(undefined);
  let stopIpc: (() => void) | undefined;
  let quitState: 'running' | 'closing' | 'closed' = 'running';

  const current = (): BrowserWindow | undefined => (window && !window.isDestroyed() ? window : undefined);

  if (!app.requestSingleInstanceLock()) {
    logger.info('another Warden is running: handing over to it');
    app.quit();
    return { ready: Promise.resolve(), window: () => undefined };
  }
  // Every renderer sandboxed, whatever a webContents asks for (must precede `ready`).
  app.enableSandbox();

  const blocked = (what: string, url: string) => logger.warn('blocked', { what, url: url.slice(0, 200) });

  app.on('second-instance', () => {
    const w = current();
    if (!w) return;
    if (w.isMinimized()) w.restore();
    w.show();
    w.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, blocked));
  app.on('child-process-gone', (_event, details) => {
    logger.warn('child process gone', {
      type: details.type,
      reason: details.reason,
      exitCode: details.exitCode,
      serviceName: details.serviceName,
      name: details.name,
    });
  });
  app.on('render-process-gone', (_event, _contents, details) => {
    logger.error('renderer process gone', { reason: details.reason, exitCode: details.exitCode });
  });
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (quitState === 'running' && stopIpc && !current()) openWindow();
  });

  app.on('before-quit', (event) => {
    if (quitState === 'closed') return;
    event.preventDefault();
    if (quitState === 'closing') return;
    quitState = 'closing';
    void shutdown().finally(() => {
      quitState = 'closed';
      app.quit();
    });
  });

  async function shutdown(): Promise<void> {
    const timeoutMs = options.closeTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const stop = (async () => {
      const host = await hostPromise;
      stopIpc?.();
      stopIpc = undefined;
      await host?.close();
    })();
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      if ((await Promise.race([stop, deadline])) === 'timeout') {
        logger.error('extensions did not stop in time: quitting anyway', { timeoutMs });
      }
    } catch (err) {
      logger.error('stopping the host failed', { error: err instanceof Error ? err.message : String(err) });
    } finally {
      clearTimeout(timer);
    }
  }

  function openWindow(): void {
    const w = createMainWindow({
      BrowserWindow: options.electron.BrowserWindow,
      preloadPath: paths.preload,
      rendererFile: paths.renderer,
      devTools: !app.isPackaged,
      icon: paths.icon,
      onBlocked: blocked,
      onLoadFailed: (error) =>
        logger.error('the window could not load', { error: error instanceof Error ? error.message : String(error) }),
    });
    window = w;
    w.on('closed', () => {
      if (window === w) window = undefined;
    });
  }

  async function start(): Promise<void> {
    if (quitState !== 'running') return; // quit before ready: start nothing
    const { electron } = options;
    const dataDir = app.getPath('userData');
    const parent = () => current();
    hostPromise = Promise.resolve(
      options.createHost({
        mode: 'electron',
        dataDir,
        appVersion: app.getVersion(),
        examplesDir: paths.examples,
        launcher: createUtilityProcessLauncher({ fork: electron.fork, bootstrapPath: paths.bootstrap }),
        sample: createAppMetricsSampler(app),
        secrets: createSafeStorageSecretStore({
          safeStorage: electron.safeStorage,
          file: path.join(dataDir, 'secrets', 'safe-storage.json'),
        }),
        picker: createDialogPicker(dialog, parent),
        openExternal: (url) => confirmOpenExternal(dialog, shell, url, parent),
        logger,
      }),
    );
    const host = await hostPromise;
    // Quit was asked for while the host was starting: `shutdown` holds this host and closes it.
    if (!host || quitState !== 'running') return;
    stopIpc = registerBridgeIpc({
      ipcMain: electron.ipcMain,
      host,
      isTrustedSender: createSenderCheck({
        rendererFile: paths.renderer,
        mainFrame: () => current()?.webContents.mainFrame,
      }),
      eventTarget: () => current()?.webContents,
      logger,
    });
    openWindow();
  }

  const ready = app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      logger.error('Warden could not start', { error: message });
      hostPromise = Promise.resolve(undefined);
      quitState = 'closed';
      dialog.showErrorBox('Warden could not start', message);
      app.exit(1);
    });

  return { ready, window: current };
}
