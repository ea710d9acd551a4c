// The main window's hardening, driven by a fake BrowserWindow: electron itself is never loaded.
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import {
  RENDERER_CSP,
  createMainWindow,
  isAllowedPageRequest,
  rendererDirUrl,
  type MainWindow,
} from '../../electron/main/main-window';
import { hardenWebContents } from '../../electron/main/harden-web-contents';

vi.mock('electron', () => {
  throw new Error('unit tests must not load electron');
});

type Listener = (...args: unknown[]) => unknown;

/** A webContents that records its listeners and handlers. */
function fakeWebContents() {
  const listeners = new Map<string, Listener[]>();
  const session = {
    requestHandler: undefined as Listener | undefined,
    checkHandler: undefined as Listener | undefined,
    deviceHandler: undefined as Listener | undefined,
    beforeRequest: undefined as Listener | undefined,
    headersReceived: undefined as Listener | undefined,
    setPermissionRequestHandler(h: Listener) {
      session.requestHandler = h;
    },
    setPermissionCheckHandler(h: Listener) {
      session.checkHandler = h;
    },
    setDevicePermissionHandler(h: Listener) {
      session.deviceHandler = h;
    },
    webRequest: {
      onBeforeRequest(h: Listener) {
        session.beforeRequest = h;
      },
      onHeadersReceived(h: Listener) {
        session.headersReceived = h;
      },
    },
  };
  const contents = {
    session,
    windowOpenHandler: undefined as Listener | undefined,
    on(event: string, listener: Listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return contents;
    },
    setWindowOpenHandler(h: Listener) {
      contents.windowOpenHandler = h;
    },
    /** Emits like Electron: returns whether some listener called preventDefault. */
    emit(event: string, ...rest: unknown[]) {
      const e = { url: rest[0], preventDefault: vi.fn() };
      for (const l of listeners.get(event) ?? []) l(e, ...rest.slice(1));
      return e.preventDefault.mock.calls.length > 0;
    },
    listeners,
  };
  return contents;
}

class FakeWindow {
  webContents = fakeWebContents();
  loaded: string[] = [];
  shown = 0;
  readyToShow: Listener | undefined;
  constructor(public options: Electron.BrowserWindowConstructorOptions) {}
  loadFile(file: string) {
    this.loaded.push(file);
    return Promise.resolve();
  }
  once(event: string, listener: Listener) {
    if (event === 'ready-to-show') this.readyToShow = listener;
    return this;
  }
  show() {
    this.shown++;
  }
}

const RENDERER = '/opt/warden/app/dist/renderer/index.html';
const PRELOAD = '/opt/warden/app/dist/preload/index.cjs';

function open(extra: { onBlocked?: (what: string, url: string) => void } = {}) {
  const win = createMainWindow({
    BrowserWindow: FakeWindow as unknown as new (
      o: Electron.BrowserWindowConstructorOptions,
    ) => MainWindow & FakeWindow,
    preloadPath: PRELOAD,
    rendererFile: RENDERER,
    devTools: false,
    ...extra,
  });
  return win as unknown as FakeWindow;
}

describe('createMainWindow: window options', () => {
  it('isolates and sandboxes the renderer, with the preload and no Node', () => {
    const prefs = open().options.webPreferences!;
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
    expect(prefs.devTools).toBe(false);
    expect(prefs.preload).toBe(PRELOAD);
  });

  it('loads the renderer file and shows the window when it is ready', () => {
    const win = open();
    expect(win.loaded).toEqual([RENDERER]);
    expect(win.options.show).toBe(false);
    win.readyToShow?.();
    expect(win.shown).toBe(1);
  });
});

describe('createMainWindow: navigation and windows', () => {
  it('blocks every navigation the page starts, in any frame', () => {
    const blocked: string[] = [];
    const contents = open({ onBlocked: (what, url) => blocked.push(`${what} ${url}`) }).webContents;
    expect(contents.emit('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.emit('will-navigate', pathToFileURL(RENDERER).href)).toBe(true);
    expect(contents.emit('will-frame-navigate', 'file:///etc/passwd')).toBe(true);
    expect(blocked).toContain('navigation https://evil.example/');
  });

  it('denies window.open for every URL', () => {
    const contents = open().webContents;
    for (const url of ['https://example.com/', 'file:///etc/passwd', pathToFileURL(RENDERER).href, 'about:blank']) {
      expect(contents.windowOpenHandler?.({ url, frameName: '', features: '', disposition: 'new-window' })).toEqual({
        action: 'deny',
      });
    }
  });

  it('refuses to attach a <webview>', () => {
    const contents = open().webContents;
    const e = { preventDefault: vi.fn() };
    for (const l of contents.listeners.get('will-attach-webview') ?? []) l(e, {}, { src: 'https://evil.example/' });
    expect(e.preventDefault).toHaveBeenCalled();
  });
});

describe('createMainWindow: permissions', () => {
  it('denies every permission request, check and device request', () => {
    const { session } = open().webContents;
    for (const permission of [
      'media',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fileSystem',
      'geolocation',
    ]) {
      const callback = vi.fn();
      session.requestHandler?.({}, permission, callback, { requestingUrl: pathToFileURL(RENDERER).href });
      expect(callback).toHaveBeenCalledWith(false);
      expect(session.checkHandler?.(null, permission, 'file://', {})).toBe(false);
    }
    expect(session.deviceHandler?.({ deviceType: 'usb', origin: 'file://' })).toBe(false);
  });
});

describe('createMainWindow: content security policy', () => {
  const headersFor = (url: string, responseHeaders?: Record<string, string[]>) => {
    const { session } = open().webContents;
    let response: { responseHeaders?: Record<string, string[]> } | undefined;
    session.headersReceived?.({ url, resourceType: 'mainFrame', responseHeaders }, (r: typeof response) => {
      response = r;
    });
    return response;
  };

  it('sets a strict CSP on the renderer page, replacing any other', () => {
    const response = headersFor(pathToFileURL(RENDERER).href, {
      'content-security-policy': ['script-src *'],
      'X-Other': ['1'],
    });
    expect(response?.responseHeaders).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [RENDERER_CSP] });
  });

  it('sets it on the renderer assets too, and leaves other responses alone', () => {
    const asset = pathToFileURL('/opt/warden/app/dist/renderer/assets/index-abc.js').href;
    expect(headersFor(asset)?.responseHeaders?.['Content-Security-Policy']).toEqual([RENDERER_CSP]);
    expect(headersFor('devtools://devtools/bundled/inspector.html')).toEqual({});
  });

  it('is strict: nothing by default, own scripts only, no inline or eval, no framing', () => {
    const directives = new Map(
      RENDERER_CSP.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values];
      }),
    );
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('connect-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(RENDERER_CSP).not.toMatch(/unsafe-|\*|https?:/);
  });
});

describe('createMainWindow: requests', () => {
  const dir = rendererDirUrl(RENDERER);

  it('lets pages load only files under the renderer folder', () => {
    expect(dir).toBe('file:///opt/warden/app/dist/renderer/');
    expect(isAllowedPageRequest(`${dir}assets/index.js`, dir)).toBe(true);
    expect(isAllowedPageRequest(`${dir}../preload/index.cjs`, dir)).toBe(false);
    expect(isAllowedPageRequest(`${dir}%2e%2e/main/index.cjs`, dir)).toBe(false);
    expect(isAllowedPageRequest('file:///opt/warden/app/dist/renderer-evil/x.js', dir)).toBe(false);
    expect(isAllowedPageRequest('file:///etc/passwd', dir)).toBe(false);
    for (const url of ['https://evil.example/x', 'http://127.0.0.1:8080/', 'wss://evil.example/', 'ftp://x/']) {
      expect(isAllowedPageRequest(url, dir)).toBe(false);
    }
    expect(isAllowedPageRequest('devtools://devtools/bundled/inspector.html', dir)).toBe(true);
    expect(isAllowedPageRequest('not a url', dir)).toBe(false);
  });

  it('cancels a page request for the network, but not the main process own requests', () => {
    const { session } = open().webContents;
    const answer = (details: object) => {
      let response: unknown;
      session.beforeRequest?.(details, (r: unknown) => {
        response = r;
      });
      return response;
    };
    expect(answer({ url: 'https://evil.example/steal?d=1', webContentsId: 1 })).toEqual({ cancel: true });
    expect(answer({ url: `${dir}index.html`, webContentsId: 1 })).toEqual({});
    expect(answer({ url: 'https://update.example/latest.yml' })).toEqual({});
  });
});

describe('hardenWebContents (any other webContents)', () => {
  it('blocks navigation, window.open and webviews', () => {
    const contents = fakeWebContents();
    hardenWebContents(contents as never);
    expect(contents.emit('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.emit('will-frame-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.emit('will-attach-webview', {}, { src: 'x' })).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });
});
