/** Calling the bridge from a slice: errors become a notice, so every action reports its failure. */
import type { BridgeMethod, BridgeParams, BridgeValue } from '../../../electron/common/bridge/schemas';
import type { ErrorData } from '../../../electron/common/error-schema';
import { describeErrorText } from '../lib/error-text';
import type { AppState } from './types';

/** One line for a user: a plain sentence, the host's message, and the code last (for developers). */
export function describeError(error: ErrorData): string {
  return describeErrorText(error);
}

/**
 * Calls `method`; on failure posts an error notice prefixed with `what` and returns undefined.
 *
 * @param get - the store's getter
 * @param what - what the user was doing ("Uninstall acme.x"), shown before the error
 * @returns the value, or undefined when the call failed
 */
export async function callOrNotify<M extends BridgeMethod>(
  get: () => AppState,
  what: string,
  method: M,
  params: BridgeParams<M>,
): Promise<BridgeValue<M> | undefined> {
  const r = await get().bridge.call(method, params);
  if (r.ok) return r.value;
  get().notify('error', `${what} failed — ${describeError(r.error)}`);
  return undefined;
}
