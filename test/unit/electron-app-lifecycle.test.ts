// The app lifecycle with every Electron module faked: startup order, single instance, quitting
// (extensions stopped first), crash logging and hardening of foreign webContents.
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { ipcChannel } from '../../electron/common/bridge/schemas';
import { startWardenApp, type ElectronModules } from '../../electron/main/app-lifecycle';
import type { AppHostLike, ElectronHostOptions } from '../../electron/main/bridge-host';
import { createLogger, memorySink } from '../../electron/core/platform/logger';

vi.mock('electron', () => {
  throw new Error('unit tests must not load electron');
});

const PATHS = {
  preload: '/app/dist/preload/index.cjs',
  renderer: '/app/dist/renderer/index.html',
  bootstrap: '/app/dist/sandbox/bootstrap.cjs',
  examples: '/app/extensions',
};

class FakeApp extends EventEmitter {
  lock = true;
  quits = 0;
  exits: number[] = [];
  sandboxed = false;
  isPackaged = true;
  #ready!: () => void;
  readonly readyPromise = new Promise<void>((resolve) => (this.#ready = resolve));
  requestSingleInstanceLock = () => this.lock;
  enableSandbox = () => void (this.sandboxed = true);
  whenReady = () => this.readyPromise;
  getPath = (name: string) => `/home/me/.config/Warden/${name === 'userData' ? '' : name}`.replace(/\/$/, '');
  getVersion = () => '0.1.0';
  getAppMetrics = vi.fn(() => []);
  exit = (code: number) => void this.exits.push(code);
  makeReady = () => this.#ready();
  /** Like Electron: `quit` emits before-quit, and quits unless a listener prevented it. */
  quit = () => {
    const event = { defaultPrevented: false, preventDefault: () => void (event.defaultPrevented = true) };
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quits++;
    return event;
  };
}

function fakeContents() {
  const contents = Object.assign(new EventEmitter(), {
    openHandler: undefined as undefined | ((d: { url: string }) => unknown),
    setWindowOpenHandler: (h: (d: { url: string }) => unknown) => void (contents.openHandler = h),
    session: {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
      webRequest: { onBeforeRequest: vi.fn(), onHeadersReceived: vi.fn() },
    },
    send: vi.fn(),
    isDestroyed: () => false,
    mainFrame: { processId: 3, routingId: 4 },
  });
  return contents;
}

class FakeWindow extends EventEmitter {
  static created: FakeWindow[] = [];
  webContents = fakeContents();
  minimized = true;
  calls: string[] = [];
  constructor(public options: Electron.BrowserWindowConstructorOptions) {
    super();
    FakeWindow.created.push(this);
  }
  loadFile = vi.fn(async () => {});
  isDestroyed = () => false;
  isMinimized = () => this.minimized;
  restore = () => void this.calls.push('restore');
  show = () => void this.calls.push('show');
  focus = () => void this.calls.push('focus');
}

function setup(options: { startError?: Error; closeTimeoutMs?: number } = {}) {
  FakeWindow.created = [];
  const app = new FakeApp();
  const handlers = new Map<string, unknown>();
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (c: string, h: unknown) => void handlers.set(c, h),
      removeHandler: (c: string) => void handlers.delete(c),
    },
    dialog: { showOpenDialog: vi.fn(), showMessageBox: vi.fn(async () => ({ response: 1 })), showErrorBox: vi.fn() },
    shell: { openExternal: vi.fn(async () => {}) },
    safeStorage: { isEncryptionAvailable: () => true, encryptString: vi.fn(), decryptString: vi.fn() },
    fork: vi.fn(),
  };
  const theHost = {
    handle: vi.fn(async () => ({ ok: true as const, value: {} })),
    subscribe: vi.fn(() => () => {}),
    close: vi.fn(async () => {}),
  };
  const createHost = vi.fn((hostOptions: ElectronHostOptions) => {
    void hostOptions;
    if (options.startError) throw options.startError;
    return theHost as AppHostLike;
  });
  const sink = memorySink();
  const started = startWardenApp({
    electron: electron as unknown as ElectronModules,
    createHost,
    paths: PATHS,
    logger: createLogger(sink),
    closeTimeoutMs: options.closeTimeoutMs ?? 5000,
    platform: 'linux',
  });
  return { app, electron, handlers, host: theHost, createHost, sink, started };
}

describe('startWardenApp: startup', () => {
  it('takes the single-instance lock and enables the sandbox before ready; nothing else yet', () => {
    const { app, createHost } = setup();
    expect(app.sandboxed).toBe(true);
    expect(createHost).not.toHaveBeenCalled();
    expect(FakeWindow.created).toHaveLength(0);
  });

  it('on ready: host with the Electron ports, then the IPC bridge, then the window', async () => {
    const { app, createHost, handlers, started } = setup();
    app.makeReady();
    await started.ready;
    const options = createHost.mock.calls[0]![0];
    expect(options).toMatchObject({
      mode: 'electron',
      dataDir: '/home/me/.config/Warden',
      appVersion: '0.1.0',
      examplesDir: '/app/extensions',
    });
    for (const port of ['launcher', 'sample', 'secrets', 'picker', 'openExternal', 'logger'] as const) {
      expect(options[port]).toBeDefined();
    }
    expect(handlers.has(ipcChannel('extensions.list'))).toBe(true);
    expect(FakeWindow.created).toHaveLength(1);
    const win = FakeWindow.created[0]!;
    expect(win.options.webPreferences).toMatchObject({
      preload: PATHS.preload,
      sandbox: true,
      contextIsolation: true,
      devTools: false,
    });
    expect(win.loadFile).toHaveBeenCalledWith(PATHS.renderer);
    expect(started.window()).toBe(win);
  });

  it('wires the host ports to Electron: utilityProcess for the launcher, confirmation for openExternal', async () => {
    const { app, electron, createHost, started } = setup();
    app.makeReady();
    await started.ready;
    const options = createHost.mock.calls[0]![0];
    const child = Object.assign(new EventEmitter(), {
      pid: 1,
      stdout: null,
      stderr: null,
      postMessage: vi.fn(),
      kill: vi.fn(),
    });
    electron.fork.mockReturnValue(child);
    options.launcher.launch({ extensionId: 'acme.x', memoryMb: 64 });
    expect(electron.fork).toHaveBeenCalledWith(
      PATHS.bootstrap,
      [],
      expect.objectContaining({ serviceName: 'ext:acme.x' }),
    );
    await expect(options.openExternal('file:///etc/passwd')).resolves.toBe(false);
    await expect(options.openExternal('https://example.com/')).resolves.toBe(true);
    expect(electron.dialog.showMessageBox).toHaveBeenCalledTimes(1);
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://example.com/');
  });

  it('answers IPC only from its own window, once it exists', async () => {
    const { app, handlers, host, started } = setup();
    app.makeReady();
    await started.ready;
    const handler = handlers.get(ipcChannel('extensions.list')) as (e: unknown, p: unknown) => Promise<unknown>;
    const ours = { url: pathToFileURL(PATHS.renderer).href, parent: null, processId: 3, routingId: 4, detached: false };
    await expect(handler({ senderFrame: ours }, {})).resolves.toEqual({ ok: true, value: {} });
    await expect(handler({ senderFrame: { ...ours, routingId: 5 } }, {})).resolves.toMatchObject({
      error: { code: 'EPERM' },
    });
    expect(host.handle).toHaveBeenCalledTimes(1);
  });

  it('reports a host that cannot start and exits with 1', async () => {
    const { app, electron, started, sink } = setup({ startError: new Error('data folder is not writable') });
    app.makeReady();
    await started.ready;
    expect(electron.dialog.showErrorBox).toHaveBeenCalledWith('Warden could not start', 'data folder is not writable');
    expect(app.exits).toEqual([1]);
    expect(FakeWindow.created).toHaveLength(0);
    expect(sink.entries.some((e) => e.level === 'error')).toBe(true);
  });
});

describe('startWardenApp: single instance', () => {
  it('a second instance quits at once and starts nothing', () => {
    FakeWindow.created = [];
    const app = new FakeApp();
    app.lock = false;
    const createHost = vi.fn();
    const electron = { app } as unknown as ElectronModules;
    startWardenApp({ electron, createHost, paths: PATHS, logger: createLogger(() => {}) });
    expect(app.quits).toBe(1);
    expect(app.sandboxed).toBe(false);
    expect(app.listenerCount('second-instance')).toBe(0);
    app.makeReady();
    expect(createHost).not.toHaveBeenCalled();
  });

  it('the first instance brings its window forward when another is launched', async () => {
    const { app, started } = setup();
    app.makeReady();
    await started.ready;
    app.emit('second-instance', {}, ['warden'], '/');
    expect(FakeWindow.created[0]!.calls).toEqual(['restore', 'show', 'focus']);
  });
});

describe('startWardenApp: quitting', () => {
  it('stops every extension (host.close) before it quits', async () => {
    const { app, host, handlers, started } = setup();
    app.makeReady();
    await started.ready;
    let finishClose!: () => void;
    host.close.mockImplementationOnce(() => new Promise<void>((resolve) => (finishClose = resolve)));
    const first = app.quit();
    expect(first.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(host.close).toHaveBeenCalledTimes(1));
    expect(app.quits).toBe(0);
    expect(app.quit().defaultPrevented).toBe(true); // a second Cmd+Q while closing waits too
    finishClose();
    await vi.waitFor(() => expect(app.quits).toBe(1));
    expect(host.close).toHaveBeenCalledTimes(1);
    expect(handlers.size).toBe(0);
  });

  it('quit before ready starts no host', async () => {
    const { app, createHost, started } = setup();
    app.quit();
    app.makeReady();
    await started.ready;
    await vi.waitFor(() => expect(app.quits).toBe(1));
    expect(createHost).not.toHaveBeenCalled();
    expect(FakeWindow.created).toHaveLength(0);
  });

  it('quit while the host is starting closes that host once, and opens no window', async () => {
    const { app, createHost, host, started } = setup();
    let finishStart!: () => void;
    createHost.mockImplementationOnce(
      () => new Promise<AppHostLike>((resolve) => (finishStart = () => resolve(host))) as never,
    );
    app.makeReady();
    await vi.waitFor(() => expect(createHost).toHaveBeenCalled());
    app.quit();
    finishStart();
    await started.ready;
    await vi.waitFor(() => expect(app.quits).toBe(1));
    expect(host.close).toHaveBeenCalledTimes(1);
    expect(FakeWindow.created).toHaveLength(0);
  });

  it('quits anyway when the extensions do not stop in time', async () => {
    const { app, host, started, sink } = setup({ closeTimeoutMs: 50 });
    app.makeReady();
    await started.ready;
    host.close.mockImplementationOnce(() => new Promise<void>(() => {}));
    app.quit();
    await vi.waitFor(() => expect(app.quits).toBe(1));
    expect(sink.entries.some((e) => /did not stop in time/.test(e.msg))).toBe(true);
  });

  it('quits when closing fails', async () => {
    const { app, host, started } = setup();
    app.makeReady();
    await started.ready;
    host.close.mockRejectedValueOnce(new Error('boom'));
    app.quit();
    await vi.waitFor(() => expect(app.quits).toBe(1));
  });

  it('quits when the last window closes (not on macOS)', async () => {
    const { app, started } = setup();
    app.makeReady();
    await started.ready;
    app.emit('window-all-closed');
    await vi.waitFor(() => expect(app.quits).toBe(1));
  });
});

describe('startWardenApp: other processes and webContents', () => {
  it('logs a child process that is gone', () => {
    const { app, sink } = setup();
    app.emit('child-process-gone', {}, { type: 'Utility', reason: 'oom', exitCode: 9, serviceName: 'ext:acme.x' });
    expect(sink.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'child process gone', reason: 'oom', serviceName: 'ext:acme.x' }),
    );
  });

  it('hardens every webContents as it is created', () => {
    const { app } = setup();
    const contents = fakeContents();
    app.emit('web-contents-created', {}, contents);
    expect(contents.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    const e = { url: 'https://evil.example/', preventDefault: vi.fn() };
    contents.emit('will-navigate', e);
    expect(e.preventDefault).toHaveBeenCalled();
  });
});
