/**
 * The renderer's one door to the host, and the only file that reads `window.warden`.
 *
 * In the Electron window the preload exposes `window.warden`. In headless mode (a browser tab on
 * 127.0.0.1) there is no preload, so the same `WardenBridge` is built here over a WebSocket (see
 * electron/common/bridge/ws-protocol.ts). Either way every result and event is validated against
 * the shared schemas before the store sees it: a shape the contract does not allow becomes
 * `{ ok: false, error: { code: 'EINTERNAL' } }` (results) or is dropped with a warning (events).
 */
import type { Unsubscribe, WardenBridge } from '../../electron/common/bridge/bridge-api';
import {
  BRIDGE_EVENTS,
  BRIDGE_METHODS,
  type BridgeEvent,
  type BridgeEventPayload,
  type BridgeMethod,
  type BridgeParams,
  type BridgeResult,
  type BridgeValue,
} from '../../electron/common/bridge/schemas';
import { ErrorDataSchema, type ErrorData } from '../../electron/common/error-schema';
import { MAX_ERROR_MESSAGE } from '../../electron/common/errors';
import { formatIssues } from '../../electron/common/schema-issues';
import {
  WS_BRIDGE_PATH,
  WS_TOKEN_PARAM,
  WsServerFrameSchema,
  isBridgeEvent,
} from '../../electron/common/bridge/ws-protocol';

/** What the transport below the validation layer looks like: nothing is trusted yet. */
export interface UncheckedBridge {
  call(method: string, params: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): Unsubscribe;
}

export type ConnectionState = 'connecting' | 'open' | 'closed';
export interface ConnectionStatus {
  state: ConnectionState;
  /** Why the connection is not open, for the banner. */
  detail?: string;
}

/** A bridge plus how its connection is doing (always open for the Electron preload). */
export interface HostConnection {
  readonly bridge: WardenBridge;
  /** Calls `listener` at once with the current status, then on every change. */
  onStatus(listener: (status: ConnectionStatus) => void): Unsubscribe;
}

function internalError(message: string): { ok: false; error: ErrorData } {
  const text = message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…` : message;
  return { ok: false, error: { code: 'EINTERNAL', message: text } };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Checks a raw `{ ok, value | error }` against the method's result schema.
 *
 * @param method - the method that was called
 * @param raw - what the transport returned
 * @returns the parsed result, or an `EINTERNAL` error that names the method and the problem
 */
export function checkResult<M extends BridgeMethod>(method: M, raw: unknown): BridgeResult<M> {
  if (typeof raw !== 'object' || raw === null || typeof (raw as { ok?: unknown }).ok !== 'boolean') {
    return internalError(`${method}: the host answered with something that is not a result`);
  }
  const r = raw as { ok: boolean; value?: unknown; error?: unknown };
  if (!r.ok) {
    const error = ErrorDataSchema.safeParse(r.error);
    if (!error.success) return internalError(`${method}: malformed error (${formatIssues(error.error, 3).join('; ')})`);
    return { ok: false, error: error.data };
  }
  const value = BRIDGE_METHODS[method].result.safeParse(r.value);
  if (!value.success) {
    return internalError(`${method}: unexpected result (${formatIssues(value.error, 3).join('; ')})`);
  }
  return { ok: true, value: value.data as BridgeValue<M> };
}

/**
 * Wraps a transport so that every result and event is checked against the contract.
 *
 * @param inner - the preload's `window.warden` or the WebSocket client
 * @param warn - where dropped events are reported (the console by default)
 * @returns a `WardenBridge` whose `call` never throws
 */
export function validatedBridge(inner: UncheckedBridge, warn: (message: string) => void = console.warn): WardenBridge {
  return {
    async call<M extends BridgeMethod>(method: M, params: BridgeParams<M>): Promise<BridgeResult<M>> {
      let raw: unknown;
      try {
        raw = await inner.call(method, params);
      } catch (err) {
        return internalError(`${method}: ${describe(err)}`);
      }
      return checkResult(method, raw);
    },
    on<E extends BridgeEvent>(event: E, listener: (payload: BridgeEventPayload<E>) => void): Unsubscribe {
      return inner.on(event, (payload) => {
        const parsed = BRIDGE_EVENTS[event].safeParse(payload);
        if (!parsed.success) {
          warn(`warden: dropped a malformed ${event} event (${formatIssues(parsed.error, 3).join('; ')})`);
          return;
        }
        listener(parsed.data as BridgeEventPayload<E>);
      });
    },
  };
}

/* ------------------------------------------------------------------------------------------ */
/* Headless mode: the WebSocket client.                                                        */

type WebSocketLike = Pick<WebSocket, 'send' | 'close' | 'readyState'> & {
  onopen: ((ev: Event) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
};

export interface WsBridgeOptions {
  url: string;
  /** Injected in tests. */
  createSocket?: (url: string) => WebSocketLike;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Reconnect delays: first, factor, cap (ms). */
  backoff?: { initialMs: number; factor: number; maxMs: number };
  random?: () => number;
}

export interface WsBridge extends HostConnection {
  /** Stops reconnecting and closes the socket (pending calls fail). */
  close(): void;
}

const OPEN = 1;

/**
 * Creates the headless-mode bridge: JSON frames over one WebSocket, reconnecting with backoff.
 * Calls made while disconnected wait for the next connection; calls already sent when the
 * connection drops fail with `EINTERNAL` (they may or may not have run, so none is re-sent).
 *
 * @param options - the `ws(s)://…/bridge?token=…` URL and injectable timers/socket
 * @returns the validated bridge, its status feed and `close`
 */
export function createWsBridge(options: WsBridgeOptions): WsBridge {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as WebSocketLike);
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const backoff = options.backoff ?? { initialMs: 250, factor: 2, maxMs: 5000 };
  const random = options.random ?? Math.random;

  let socket: WebSocketLike | null = null;
  let status: ConnectionStatus = { state: 'connecting' };
  let attempt = 0;
  let timer: unknown = null;
  let closed = false;
  let nextId = 1;
  /** Sent, waiting for their result. */
  const inflight = new Map<number, (raw: unknown) => void>();
  /** Not sent yet (no connection). */
  const queue: { id: number; frame: string }[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const statusListeners = new Set<(s: ConnectionStatus) => void>();

  const setStatus = (next: ConnectionStatus) => {
    status = next;
    for (const l of [...statusListeners]) l(next);
  };

  const failInflight = (message: string) => {
    for (const [id, resolve] of [...inflight]) {
      inflight.delete(id);
      resolve(internalError(message));
    }
  };

  const onFrame = (data: unknown) => {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      console.warn('warden: ignored a bridge frame that is not JSON');
      return;
    }
    const frame = WsServerFrameSchema.safeParse(json);
    if (!frame.success) {
      console.warn(`warden: ignored a malformed bridge frame (${formatIssues(frame.error, 3).join('; ')})`);
      return;
    }
    if (frame.data.t === 'result') {
      const resolve = inflight.get(frame.data.id);
      if (!resolve) return;
      inflight.delete(frame.data.id);
      resolve(frame.data.result);
      return;
    }
    const { event, payload } = frame.data;
    if (!isBridgeEvent(event)) return;
    for (const l of [...(listeners.get(event) ?? [])]) {
      try {
        l(payload);
      } catch (err) {
        console.error(`warden: a ${event} listener failed`, err);
      }
    }
  };

  const scheduleReconnect = (detail: string) => {
    if (closed) return;
    const base = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** attempt);
    attempt++;
    const delay = Math.round(base * (0.8 + 0.4 * random()));
    setStatus({ state: 'closed', detail });
    timer = setTimer(() => {
      timer = null;
      connect();
    }, delay);
  };

  function connect(): void {
    if (closed) return;
    if (status.state !== 'connecting') setStatus({ state: 'connecting' });
    let ws: WebSocketLike;
    try {
      ws = createSocket(options.url);
    } catch (err) {
      scheduleReconnect(`cannot connect: ${describe(err)}`);
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      attempt = 0;
      setStatus({ state: 'open' });
      while (queue.length > 0 && ws.readyState === OPEN) {
        const next = queue.shift()!;
        ws.send(next.frame);
      }
    };
    ws.onmessage = (ev) => {
      if (socket === ws) onFrame(ev.data);
    };
    ws.onerror = () => {
      /* a close event follows; it is what reconnects */
    };
    ws.onclose = (ev) => {
      if (socket !== ws) return;
      socket = null;
      failInflight('the connection to Warden was lost before the answer came');
      const why = ev.code === 1000 ? 'closed by Warden' : `connection lost (code ${ev.code})`;
      scheduleReconnect(why);
    };
  }

  const raw: UncheckedBridge = {
    call(method, params) {
      if (closed) return Promise.resolve(internalError('the bridge is closed'));
      return new Promise((resolve) => {
        const id = nextId++;
        const frame = JSON.stringify({ t: 'call', id, method, params });
        inflight.set(id, resolve);
        if (socket && socket.readyState === OPEN) socket.send(frame);
        else queue.push({ id, frame });
      });
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
  };

  connect();

  return {
    bridge: validatedBridge(raw),
    onStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => {
        statusListeners.delete(listener);
      };
    },
    close() {
      closed = true;
      if (timer !== null) clearTimer(timer);
      const ws = socket;
      socket = null;
      ws?.close(1000);
      failInflight('the bridge is closed');
      for (const q of queue.splice(0)) inflight.get(q.id)?.(internalError('the bridge is closed'));
      setStatus({ state: 'closed', detail: 'closed' });
    },
  };
}

/* ------------------------------------------------------------------------------------------ */
/* Choosing the transport.                                                                     */

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
        listener({ state: 'closed', detail: 'no session token: open the address that `warden serve` printed' });
        return () => {};
      },
    };
  }
  return createWsBridge({ url: bridgeUrl(win.location, token) });
}
