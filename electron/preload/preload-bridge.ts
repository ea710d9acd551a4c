/**
 * `window.warden` in the Electron window: the `WardenBridge` contract over ipcRenderer, and
 * nothing more (Electron security checklist item 20: never hand a page `ipcRenderer`).
 *
 * - `call` reaches only the bridge's methods, each on its own channel (`warden:<method>`);
 *   any other name is answered `EINVAL` without touching IPC. It never rejects.
 * - `on` subscribes only to the bridge's events. Each subscription is its own listener on the
 *   one event channel, filtering by name; the listener gets the payload, never the
 *   `IpcRendererEvent` (which carries `sender`, i.e. ipcRenderer). Functions crossing
 *   contextBridge are proxies, so unsubscribing is a closure, not `off(listener)`.
 *
 * The main process checks the sender and the parameters again: this file narrows what a
 * compromised page can ask for; it is not the check. Names and channels come from
 * ./bridge-names.ts, a type-checked copy of the contract's (zod stays out of the preload).
 */
import type { BridgeEvent, BridgeMethod, BridgeResult } from '../common/bridge/schemas';
import type { Unsubscribe, WardenBridge } from '../common/bridge/bridge-api';
import { PRELOAD_EVENT_CHANNEL, PRELOAD_EVENT_NAMES, PRELOAD_METHOD_NAMES, preloadChannel } from './bridge-names';

type IpcListener = (event: unknown, ...args: unknown[]) => void;

/** The three ipcRenderer methods the bridge uses (the real ipcRenderer, or a fake in tests). */
export interface PreloadIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: IpcListener): unknown;
  off(channel: string, listener: IpcListener): unknown;
}

const METHODS: ReadonlySet<string> = new Set(PRELOAD_METHOD_NAMES);
const EVENTS: ReadonlySet<string> = new Set(PRELOAD_EVENT_NAMES);

const refuse = (code: 'EINVAL' | 'EINTERNAL', message: string) =>
  Promise.resolve({ ok: false as const, error: { code, message } });

/**
 * Builds the object exposed as `window.warden`.
 *
 * @param ipc - ipcRenderer, or a fake with `invoke`, `on` and `off`.
 * @returns a frozen `{ call, on }`.
 */
export function createPreloadBridge(ipc: PreloadIpc): WardenBridge {
  const call: WardenBridge['call'] = <M extends BridgeMethod>(method: M, params: unknown) => {
    if (typeof method !== 'string' || !METHODS.has(method)) {
      return refuse('EINVAL', `unknown bridge method: ${String(method).slice(0, 100)}`);
    }
    return ipc.invoke(preloadChannel(method), params).then(
      (result) => result as BridgeResult<M>,
      () => ({ ok: false, error: { code: 'EINTERNAL', message: `${method}: the host did not answer` } }) as const,
    );
  };

  const on: WardenBridge['on'] = (event, listener): Unsubscribe => {
    if (typeof event !== 'string' || !EVENTS.has(event) || typeof listener !== 'function') return () => {};
    const wanted: BridgeEvent = event;
    const handler: IpcListener = (_ipcEvent, message) => {
      if (typeof message !== 'object' || message === null) return;
      const { event: name, payload } = message as { event?: unknown; payload?: unknown };
      if (name === wanted) (listener as (payload: unknown) => void)(payload);
    };
    ipc.on(PRELOAD_EVENT_CHANNEL, handler);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.off(PRELOAD_EVENT_CHANNEL, handler);
    };
  };

  return Object.freeze({ call, on } satisfies WardenBridge);
}
