/**
 * The validation layer between any transport (the preload's `window.warden`, the WebSocket client)
 * and the store: every result and event is checked against the shared schemas. A shape the
 * contract does not allow becomes `{ ok: false, error: { code: 'EINTERNAL' } }` (results) or is
 * dropped with a warning (events).
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
  /**
   * What a probe of the server found while closed: `token` — it answers but refuses this tab's
   * session (restarted with a new token: retrying cannot help); `unreachable` — nothing answers.
   */
  cause?: 'token' | 'unreachable';
}

/** A bridge plus how its connection is doing (always open for the Electron preload). */
export interface HostConnection {
  readonly bridge: WardenBridge;
  /** Calls `listener` at once with the current status, then on every change. */
  onStatus(listener: (status: ConnectionStatus) => void): Unsubscribe;
}

export function internalError(message: string): { ok: false; error: ErrorData } {
  const text = message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE - 1)}…` : message;
  return { ok: false, error: { code: 'EINTERNAL', message: text } };
}

export function describe(err: unknown): string {
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
