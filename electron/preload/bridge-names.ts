/**
 * The bridge's method and event names and its two channel rules, for the preload only.
 *
 * Why a copy: the contract (common/bridge/schemas.ts) builds its names from zod schemas, and
 * bundling zod would make the preload ~470 KB (minified) that every page load parses, to read a
 * list of strings. This file imports the contract's *types* only, and the type checker holds the
 * copy to it: a name missing here, misspelled or extra fails `tsc`, as does a channel that differs.
 * test/unit/electron-preload.test.ts compares the values as well.
 */
import type { BridgeEvent, BridgeMethod, IPC_EVENT_CHANNEL, ipcChannel } from '../common/bridge/schemas';

export const PRELOAD_METHOD_NAMES = [
  'app.info',
  'app.openExternal',
  'extensions.list',
  'extensions.brief',
  'extensions.install',
  'extensions.uninstall',
  'extensions.setEnabled',
  'extensions.update',
  'extensions.approveUpdate',
  'extensions.rollback',
  'extensions.release',
  'extensions.stop',
  'extensions.restart',
  'commands.run',
  'commands.cancel',
  'prompts.pending',
  'prompts.answer',
  'resources.snapshot',
  'permissions.grants',
  'permissions.revoke',
  'permissions.policy',
  'activity.query',
  'anomalies.list',
  'anomalies.accept',
  'anomalies.incident',
  'catalog.list',
  'pickers.pickFile',
] as const satisfies readonly BridgeMethod[];

export const PRELOAD_EVENT_NAMES = [
  'extensions.changed',
  'commands.progress',
  'prompts.opened',
  'prompts.closed',
  'resources.sample',
  'activity.record',
] as const satisfies readonly BridgeEvent[];

/** Same as the contract's `ipcChannel`. */
export const preloadChannel = (method: BridgeMethod) =>
  `warden:${method}` as const satisfies ReturnType<typeof ipcChannel>;
/** Same as the contract's `IPC_EVENT_CHANNEL`. */
export const PRELOAD_EVENT_CHANNEL = 'warden:event' satisfies typeof IPC_EVENT_CHANNEL;

/** Compile-time completeness: `true` only when every contract name is listed above. */
type Complete<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : { missing: Exclude<All, Listed> };
export const METHODS_COMPLETE: Complete<BridgeMethod, (typeof PRELOAD_METHOD_NAMES)[number]> = true;
export const EVENTS_COMPLETE: Complete<BridgeEvent, (typeof PRELOAD_EVENT_NAMES)[number]> = true;
