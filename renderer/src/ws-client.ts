/**
 * Headless mode's transport: the `WardenBridge` over one WebSocket (JSON frames, see
 * electron/common/bridge/ws-protocol.ts), reconnecting with backoff. Results and events are
 * validated by `validatedBridge` before anyone sees them.
 */
import { formatIssues } from '../../electron/common/schema-issues';
import { WsServerFrameSchema, isBridgeEvent } from '../../electron/common/bridge/ws-protocol';
import {
  describe,
  internalError,
  validatedBridge,
  type ConnectionStatus,
  type HostConnection,
  type UncheckedBridge,
} from './validated-bridge';

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
  /**
   * Asks the server, outside the WebSocket, why connecting fails (a browser hides the upgrade's
   * HTTP status): `refused` (it answers but not to this session), `unreachable` or `reachable`.
   */
  probe?: () => Promise<'refused' | 'unreachable' | 'reachable'>;
}

/** After this many failed attempts in a row the server is probed for why. */
const PROBE_AFTER_FAILURES = 2;

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
    if (options.probe && attempt + 1 >= PROBE_AFTER_FAILURES) {
      const probe = options.probe;
      setStatus({ state: 'closed', detail });
      void probe().then(
        (found) => afterProbe(found, detail),
        () => afterProbe('unreachable', detail),
      );
      return;
    }
    retryLater(detail);
  };

  /** A server that refuses this session will never accept it: stop, and say so. */
  const afterProbe = (found: 'refused' | 'unreachable' | 'reachable', detail: string) => {
    if (closed) return;
    if (found === 'refused') {
      setStatus({ state: 'closed', cause: 'token', detail: 'Warden no longer accepts this session' });
      return;
    }
    retryLater(detail, found === 'unreachable' ? 'unreachable' : undefined);
  };

  const retryLater = (detail: string, cause?: 'unreachable') => {
    const base = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** attempt);
    attempt++;
    const delay = Math.round(base * (0.8 + 0.4 * random()));
    setStatus({ state: 'closed', detail, ...(cause ? { cause } : {}) });
    timer = setTimer(() => {
      timer = null;
      connect();
    }, delay);
  };

  function connect(): void {
    if (closed) return;
    // Keeps what the last probe found, so the banner does not flicker between attempts.
    if (status.state !== 'connecting')
      setStatus({ state: 'connecting', ...(status.cause ? { cause: status.cause } : {}) });
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
