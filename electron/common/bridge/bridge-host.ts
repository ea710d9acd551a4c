/**
 * The host end of the bridge, one interface for every transport: electron/core/app/app-host.ts
 * implements it; electron/main/ipc.ts (Electron) and electron/web/ws-bridge.ts (headless) serve it.
 *
 * Params are validated once, where they cross a trust boundary (renderer → main in ipc.ts,
 * browser → server in ws-bridge.ts), by `acceptBridgeCall`. The params it returns are marked as
 * checked, so the host takes them as they are; only a caller inside the host's own process that
 * did not go through a transport (a test, a script) has its params parsed by the host, once.
 */
import type { z } from 'zod';
import type { ErrorData } from '../error-schema';
import { MAX_ERROR_MESSAGE, truncate } from '../errors';
import { formatIssues } from '../schema-issues';
import { BRIDGE_METHODS, type BridgeEvent, type BridgeMethod, type BridgeResult } from './schemas';
import { isBridgeMethod } from './ws-protocol';

export interface BridgeHost {
  /**
   * Answers one bridge method. Params from `acceptBridgeCall` are used as they are; anything else
   * is checked against the contract first. Failures come back as `{ ok: false, error }` (a
   * rejection is a host bug, turned into `EINTERNAL`).
   */
  handle(method: string, params: unknown): Promise<BridgeResult<BridgeMethod>>;
  /** Every host event; returns the unsubscribe function. */
  subscribe(listener: (event: BridgeEvent, payload: unknown) => void): () => void;
}

/** A method's params as its schema gives them back (defaults applied): what handlers receive. */
export type BridgeArgs<M extends BridgeMethod> = z.output<(typeof BRIDGE_METHODS)[M]['params']>;

/** Params objects that passed a method's schema, and which (zod returns a fresh object each time). */
const checked = new WeakMap<object, BridgeMethod>();

export type AcceptedCall = { ok: true; method: BridgeMethod; params: unknown } | { ok: false; error: ErrorData };

const isMethod = isBridgeMethod;

/** Checks one incoming call against the contract: the single parse of its params. */
export function acceptBridgeCall(method: string, params: unknown): AcceptedCall {
  if (!isMethod(method)) return { ok: false, error: { code: 'EINVAL', message: `unknown method "${method}"` } };
  const schema: z.ZodType = BRIDGE_METHODS[method].params;
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    const message = `${method}: invalid params: ${formatIssues(parsed.error, 5).join('; ')}`;
    return { ok: false, error: { code: 'EINVAL', message: truncate(message, MAX_ERROR_MESSAGE) } };
  }
  if (typeof parsed.data === 'object' && parsed.data !== null) checked.set(parsed.data, method);
  return { ok: true, method, params: parsed.data };
}

/** The host's side: params already accepted pass as they are; others are accepted here, once. */
export function checkedBridgeCall(method: string, params: unknown): AcceptedCall {
  if (isMethod(method) && typeof params === 'object' && params !== null && checked.get(params) === method) {
    return { ok: true, method, params };
  }
  return acceptBridgeCall(method, params);
}
