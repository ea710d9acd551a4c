/**
 * What every webContents of the app gets (Electron security checklist items 11-14): no
 * navigation away from the page it was given, no new windows, no `<webview>`. Applied to the
 * main window by `createMainWindow` and to any other webContents from `web-contents-created`.
 * The app's own pages change views in-page; links to the web go through `app.openExternal`,
 * which asks the user first.
 */
import type { WebContents } from 'electron';

export type HardenableWebContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * Denies navigation, window.open and webview attachment on `contents`.
 *
 * @param contents - a webContents (or a fake with `on` and `setWindowOpenHandler`).
 * @param onBlocked - told what was blocked, for the log (the URL is page-controlled: log only).
 */
export function hardenWebContents(
  contents: HardenableWebContents,
  onBlocked?: (what: 'navigation' | 'window' | 'webview', url: string) => void,
): void {
  // `loadFile`/`loadURL` do not emit these: only navigations the page itself starts.
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    onBlocked?.('navigation', event.url);
  });
  contents.on('will-frame-navigate', (event) => {
    event.preventDefault();
    onBlocked?.('navigation', event.url);
  });
  contents.on('will-attach-webview', (event, _webPreferences, params) => {
    event.preventDefault();
    onBlocked?.('webview', params.src ?? '');
  });
  contents.setWindowOpenHandler((details) => {
    onBlocked?.('window', details.url);
    return { action: 'deny' };
  });
}
