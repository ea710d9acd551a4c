/**
 * The host end of the bridge, one interface for every transport: electron/core/app/app-host.ts
 * implements it; electron/main/ipc.ts (Electron) and electron/web/ws-bridge.ts (headless) serve it.
 */
import type { BridgeEvent, BridgeMethod, BridgeResult } from './schemas';

export interface BridgeHost {
  /**
   * Answers one bridge method. The host checks `method` and `params` against the contract itself;
   * failures come back as `{ ok: false, error }` (a rejection is a host bug, turned into `EINTERNAL`).
   */
  handle(method: string, params: unknown): Promise<BridgeResult<BridgeMethod>>;
  /** Every host event; returns the unsubscribe function. */
  subscribe(listener: (event: BridgeEvent, payload: unknown) => void): () => void;
}
