/**
 * The renderer's one door to the host, and the only file that reads `window.warden`.
 *
 * In the Electron window the preload exposes `window.warden`. In headless mode (a browser tab on
 * 127.0.0.1) there is no preload, so the same `WardenBridge` is built here over a WebSocket (see
 * electron/common/bridge/ws-protocol.ts). Either way every result and event is validated against
 * the shared schemas before the store sees it: a shape the contract does not allow becomes
 * `{ ok: false, error: { code: 'EINTERNAL' } }` (results) or is dropped with a warning (events).
 */
import { WS_BRIDGE_PATH, WS_TOKEN_PARAM } from '../../electron/common/bridge/ws-protocol';
import { internalError, validatedBridge, type HostConnection, type UncheckedBridge } from './validated-bridge';
import { createWsBridge } from './ws-client';

export * from './validated-bridge';
export { createWsBridge, type WsBridge, type WsBridgeOptions } from './ws-client';

const TOKEN_STORAGE_KEY = 'warden.token';

/**
 * Reads the session token from the `#token=…` fragment and removes it from the address bar (so it
 * is not left in history or shown over a shoulder). It is kept in sessionStorage, per tab, so a
 * reload can reconnect.
 *
 * @returns the token, or null when the page was opened without one
 */
export function takeToken(win: Pick<Window, 'location' | 'history' | 'sessionStorage'>): string | null {
  const fragment = new URLSearchParams(win.location.hash.replace(/^#/, ''));
  const fromUrl = fragment.get(WS_TOKEN_PARAM);
  if (fromUrl) {
    fragment.delete(WS_TOKEN_PARAM);
    const rest = fragment.toString();
    win.history.replaceState(
      win.history.state,
      '',
      `${win.location.pathname}${win.location.search}${rest ? `#${rest}` : ''}`,
    );
    try {
      win.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      /* storage may be disabled; a reload then needs the URL again */
    }
    return fromUrl;
  }
  try {
    return win.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** The bridge URL for a page served from `location`. */
export function bridgeUrl(location: Pick<Location, 'protocol' | 'host'>, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${WS_BRIDGE_PATH}?${WS_TOKEN_PARAM}=${encodeURIComponent(token)}`;
}

/**
 * The connection the app uses: the Electron preload when present, otherwise the headless
 * WebSocket bridge to the server that served this page.
 */
export function connectToHost(win: Window = window): HostConnection {
  const preload = (win as Window & { warden?: unknown }).warden;
  if (preload) {
    const bridge = validatedBridge(preload as UncheckedBridge);
    return {
      bridge,
      onStatus(listener) {
        listener({ state: 'open' });
        return () => {};
      },
    };
  }
  const token = takeToken(win);
  if (!token) {
    const bridge = validatedBridge({
      call: async () => internalError('no session token: open the address that `warden serve` printed'),
      on: () => () => {},
    });
    return {
      bridge,
      onStatus(listener) {
        listener({ state: 'closed', cause: 'token', detail: 'no session token' });
        return () => {};
      },
    };
  }
  return createWsBridge({ url: bridgeUrl(win.location, token), probe: () => probeServer(win) });
}

/**
 * Why the bridge cannot connect, asked over plain HTTP: the page's own address answers 403 when
 * the server running there has another token (it was restarted), and nothing at all when no
 * server runs there.
 */
export async function probeServer(
  win: Pick<Window, 'fetch' | 'location'>,
): Promise<'refused' | 'unreachable' | 'reachable'> {
  try {
    const r = await win.fetch(`${win.location.origin}/`, {
      cache: 'no-store',
      credentials: 'same-origin',
      redirect: 'manual',
    });
    return r.status === 403 ? 'refused' : 'reachable';
  } catch {
    return 'unreachable';
  }
}
