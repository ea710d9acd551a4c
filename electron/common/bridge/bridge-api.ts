/**
 * `window.warden`: the one interface the renderer uses, implemented by the Electron preload
 * (ipcRenderer) and by the headless-mode WebSocket client. Both are thin: `call` + `on`.
 */
import type { BridgeEvent, BridgeEventPayload, BridgeMethod, BridgeParams, BridgeResult } from './schemas';

export type Unsubscribe = () => void;

export interface WardenBridge {
  /** Calls a host method; never throws: failures come back as `{ ok: false, error }`. */
  call<M extends BridgeMethod>(method: M, params: BridgeParams<M>): Promise<BridgeResult<M>>;
  /** Subscribes to host events; returns the unsubscribe function. */
  on<E extends BridgeEvent>(event: E, listener: (payload: BridgeEventPayload<E>) => void): Unsubscribe;
}
