/**
 * The one app window: a sandboxed, context-isolated renderer whose only reach is `window.warden`
 * (the preload), showing dist/renderer/index.html and nothing else.
 *
 * Content-Security-Policy: set as a response header for the renderer's own files through
 * `session.webRequest.onHeadersReceived`, so the policy lives with the other window settings and
 * is tested here. Electron's security guide long said headers cannot reach `file://` pages; a
 * measurement on Electron 41 shows `onHeadersReceived` does fire for `file://` and the header is
 * honoured, but that is not documented behaviour. The renderer's index.html should therefore
 * carry the same policy in a `<meta http-equiv>` tag (`RENDERER_CSP`, minus `frame-ancestors`,
 * which a meta tag cannot set): two identical policies cost nothing.
 *
 * Requests: the window may load only files under the renderer folder; any other `file:` URL and
 * any network URL (http, https, ws, ftp) requested by a page is cancelled before it is made.
 * Permissions (camera, notifications, clipboard, …): every request and check is denied.
 */
import type { BrowserWindow, BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { hardenWebContents } from './harden-web-contents';

/** The renderer's policy: our own scripts, styles, images and fonts; nothing else, no eval. */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "manifest-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export type WindowSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
> & { webRequest: Pick<Session['webRequest'], 'onHeadersReceived' | 'onBeforeRequest'> };

/** The members of a BrowserWindow this module uses. */
export type MainWindow = Pick<BrowserWindow, 'loadFile' | 'once' | 'show'> & {
  webContents: Pick<WebContents, 'on' | 'setWindowOpenHandler'> & { session: WindowSession };
};

export interface MainWindowDeps<W extends MainWindow> {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => W;
  /** Absolute path of dist/preload/index.cjs. */
  preloadPath: string;
  /** Absolute path of dist/renderer/index.html. */
  rendererFile: string;
  /** DevTools are for development builds only. */
  devTools: boolean;
  icon?: string;
  /** Told about every navigation, window or request the window was refused (for the log). */
  onBlocked?(what: 'navigation' | 'window' | 'webview' | 'request', url: string): void;
  /** The renderer failed to load (missing build, unreadable file). */
  onLoadFailed?(error: unknown): void;
}

/** The window options, on their own so they can be read and tested. */
export function mainWindowOptions(deps: {
  preloadPath: string;
  devTools: boolean;
  icon?: string;
}): BrowserWindowConstructorOptions {
  return {
    title: 'Warden',
    width: 1280,
    height: 820,
    minWidth: 880,
    minHeight: 560,
    show: false, // shown on ready-to-show: no blank flash
    backgroundColor: '#15171c',
    ...(deps.icon ? { icon: deps.icon } : {}),
    webPreferences: {
      preload: deps.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: deps.devTools,
    },
  };
}

/** The renderer folder as a `file:` URL prefix ending in `/`. */
export function rendererDirUrl(rendererFile: string): string {
  return pathToFileURL(path.dirname(rendererFile) + path.sep).href;
}

/**
 * Whether a page may request `url`: files under the renderer folder yes; other files and the
 * network no; browser-internal schemes (devtools:, data:, blob:, chrome-extension:) are left to
 * Chromium and the CSP.
 */
export function isAllowedPageRequest(url: string, dirUrl: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'file:') return parsed.href.startsWith(dirUrl); // the URL parser has already resolved `..`
  return !['http:', 'https:', 'ws:', 'wss:', 'ftp:'].includes(parsed.protocol);
}

/** Every web permission is denied: the renderer needs none, and extensions never reach it. */
export function denyAllPermissions(session: WindowSession): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/**
 * Creates the main window, hardened before its page loads, and starts loading the renderer.
 *
 * @param deps - the BrowserWindow class (real or fake) and the paths.
 * @returns the window; the caller keeps it for IPC sender checks and focus.
 */
export function createMainWindow<W extends MainWindow>(deps: MainWindowDeps<W>): W {
  const win = new deps.BrowserWindow(mainWindowOptions(deps));
  const contents = win.webContents;
  const { session } = contents;
  const dirUrl = rendererDirUrl(deps.rendererFile);

  hardenWebContents(contents, deps.onBlocked);
  denyAllPermissions(session);

  session.webRequest.onBeforeRequest((details, callback) => {
    // Only what a page asks for: requests of the main process itself carry no webContents.
    if (details.webContentsId !== undefined && !isAllowedPageRequest(details.url, dirUrl)) {
      deps.onBlocked?.('request', details.url);
      callback({ cancel: true });
      return;
    }
    callback({});
  });

  session.webRequest.onHeadersReceived((details, callback) => {
    if (!details.url.startsWith(dirUrl)) {
      callback({});
      return;
    }
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [RENDERER_CSP];
    callback({ responseHeaders: headers });
  });

  win.once('ready-to-show', () => win.show());
  win.loadFile(deps.rendererFile).catch((error: unknown) => deps.onLoadFailed?.(error));
  return win;
}
