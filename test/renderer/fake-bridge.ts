/**
 * A fake `WardenBridge` for renderer tests: per-method handlers, a log of calls, events pushed by
 * the test, and a controllable connection status. Parameters are checked against the contract's
 * schemas (a renderer bug that sends a bad shape fails the test), and so are handler results (a
 * fixture that the real host could never send fails too). DOM-free on purpose: it is also part of
 * the Node `test` typecheck project.
 */
import type { ConnectionStatus } from '../../renderer/src/validated-bridge';
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
import type { ErrorData } from '../../electron/common/error-schema';
import { securityBrief } from './fixtures';

export type Handler<M extends BridgeMethod> = (
  params: BridgeParams<M>,
) => BridgeValue<M> | { error: ErrorData } | Promise<BridgeValue<M> | { error: ErrorData }>;

export interface RecordedCall {
  method: BridgeMethod;
  params: unknown;
}

/** Default answers: an empty host. */
const DEFAULTS: { [M in BridgeMethod]?: Handler<M> } = {
  'app.info': () => ({ version: '0.1.0', apiVersion: '1', mode: 'headless', note: 'headless mode: test' }),
  'extensions.list': () => [],
  'prompts.pending': () => [],
  'resources.snapshot': () => [],
  'permissions.grants': () => [],
  'permissions.policy': () => ({ text: '', rules: 0 }),
  'activity.query': () => [],
  'anomalies.list': () => ({ enabled: true, findings: [] }),
  'catalog.list': () => [],
  // A brief for whatever is asked: an update of an installed id, or an install (a catalog id, else a file).
  'extensions.brief': (p) =>
    p.source === 'update'
      ? securityBrief({
          kind: 'update',
          id: p.id,
          from: '1.0.0',
          version: '2.0.0',
          changes: { added: [], removed: [] },
        })
      : securityBrief(p.source === 'catalog' ? { id: p.id } : {}),
};

export class FakeBridge implements WardenBridge {
  readonly calls: RecordedCall[] = [];
  readonly #handlers = new Map<BridgeMethod, Handler<BridgeMethod>>();
  readonly #listeners = new Map<BridgeEvent, Set<(payload: unknown) => void>>();
  readonly #statusListeners = new Set<(s: ConnectionStatus) => void>();
  #status: ConnectionStatus = { state: 'open' };

  /** Answers `method` with `handler` (a value, an `{ error }`, or a promise of either). */
  handle<M extends BridgeMethod>(method: M, handler: Handler<M>): this {
    this.#handlers.set(method, handler as unknown as Handler<BridgeMethod>);
    return this;
  }

  /** Whether a test handler answers `method`. */
  has(method: BridgeMethod): boolean {
    return this.#handlers.has(method);
  }

  async call<M extends BridgeMethod>(method: M, params: BridgeParams<M>): Promise<BridgeResult<M>> {
    this.calls.push({ method, params });
    const checked = BRIDGE_METHODS[method].params.safeParse(params);
    if (!checked.success) throw new Error(`renderer sent invalid params to ${method}: ${checked.error.message}`);
    const handler = (this.#handlers.get(method) ?? DEFAULTS[method]) as Handler<M> | undefined;
    if (!handler) return { ok: false, error: { code: 'EINTERNAL', message: `no fake handler for ${method}` } };
    const out = await handler(params);
    if (typeof out === 'object' && out !== null && !Array.isArray(out) && 'error' in out) {
      return { ok: false, error: (out as { error: ErrorData }).error };
    }
    const value = BRIDGE_METHODS[method].result.safeParse(out);
    if (!value.success) throw new Error(`fake ${method} returned an invalid result: ${value.error.message}`);
    return { ok: true, value: value.data as BridgeValue<M> };
  }

  on<E extends BridgeEvent>(event: E, listener: (payload: BridgeEventPayload<E>) => void): Unsubscribe {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    const l = listener as (payload: unknown) => void;
    set.add(l);
    return () => set.delete(l);
  }

  /** Pushes an event to the subscribers (checked against the contract first). */
  emit<E extends BridgeEvent>(event: E, payload: BridgeEventPayload<E>): void {
    const parsed = BRIDGE_EVENTS[event].safeParse(payload);
    if (!parsed.success) throw new Error(`invalid ${event} payload in test: ${parsed.error.message}`);
    for (const l of [...(this.#listeners.get(event) ?? [])]) l(parsed.data);
  }

  listenerCount(event: BridgeEvent): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Calls of one method, with their params. */
  callsOf<M extends BridgeMethod>(method: M): BridgeParams<M>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.params as BridgeParams<M>);
  }

  /** A `HostConnection` over this bridge whose status the test controls. */
  host(): { bridge: WardenBridge; onStatus(listener: (s: ConnectionStatus) => void): Unsubscribe } {
    return {
      bridge: this,
      onStatus: (listener) => {
        this.#statusListeners.add(listener);
        listener(this.#status);
        return () => this.#statusListeners.delete(listener);
      },
    };
  }

  setStatus(status: ConnectionStatus): void {
    this.#status = status;
    for (const l of [...this.#statusListeners]) l(status);
  }
}

/** A promise you resolve later, for calls that must stay in flight during a test. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
