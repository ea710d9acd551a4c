/**
 * The guest's compartment and everything in it that does not depend on which extension it is:
 * the endowments (console, timers, the web basics), the error factory and the host-call client.
 * Built before the extension is known, so that `init` only adds `host` and evaluates the bundle:
 * in a process started from the start-up snapshot it is built inside the blob (snapshot-entry.ts),
 * otherwise when the process starts, before it says hello.
 *
 * One process builds one realm and uses it once: for the one extension whose `init` it receives
 * (runtime.ts takes only the first). Each process deserialises its own copy of the blob, so no
 * two extensions ever share a compartment, a timer table or a pending-call table. Nothing built
 * here holds an extension's data or any authority: the channel and the extension's source are
 * reached through `ports`, which the runtime binds when its process starts and `init` arrives.
 * Nothing here may start a handle (a timer, a socket) or draw randomness: a snapshot would carry
 * the one or refuse the other, and every process from it would share what was drawn.
 */
import type { LogLevel } from '../common/protocol-limits';
import { createGuestTimers, type GuestTimers } from './timers';
import { createGuestConsole } from './guest-console';
import { createWebGlobals } from './web-globals';
import type { VirtualClock } from './virtual-clock';
import { createRpcClient, type RpcClient } from './rpc-client';
import { createGuestErrorFactory } from './guest-errors';
import { createHostMembers, type HostMembers } from './host-api';

const MAX_TIMERS = 10_000;
const MAX_PENDING_CALLS = 1_000;

/** What a realm reaches of its runtime: bound late, read at each use. */
export interface GuestRealmPorts {
  /** Sends a message to the host; false when it cannot (no channel yet, or over the cap). */
  send(message: unknown): boolean;
  log(level: LogLevel, args: unknown[]): void;
  reportGuestError(what: string, err: unknown): void;
  /** Where in the guest's code an error was thrown / the console was called (guest-errors.ts). */
  errorLocation(err: unknown): string | undefined;
  callerLocation(): string | undefined;
  callStack(): string[];
}

export interface GuestRealm {
  compartment: Compartment;
  timers: GuestTimers;
  rpc: RpcClient;
  /** The `host` namespaces every extension has (host-api.ts adds `extension` and `commands`). */
  hostMembers: HostMembers;
  /** A test host's virtual clock, when the realm was built for one. */
  clock?: VirtualClock;
}

export function createGuestRealm(ports: GuestRealmPorts, clock?: VirtualClock): GuestRealm {
  const timers = createGuestTimers({
    max: MAX_TIMERS,
    onError: (e) => ports.reportGuestError('timer callback threw', e),
    ...(clock ? { clock } : {}),
  });
  const endowments = {
    console: createGuestConsole(ports.log, {
      errorLocation: ports.errorLocation,
      callerLocation: ports.callerLocation,
      callStack: ports.callStack,
    }),
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    setInterval: timers.setInterval,
    clearInterval: timers.clearInterval,
    ...createWebGlobals({
      reportError: (e) => ports.reportGuestError('microtask threw', e),
      ...(clock ? { clock } : {}),
    }),
  };
  // Named for no extension: it is built before one is known (the name shows nowhere a guest sees).
  const compartment = new Compartment({ globals: harden(endowments), __options__: true, name: 'extension' });
  const g = compartment.globalThis as Record<string, unknown>;
  // Libraries find the global object through these names (extensions/sdk/COMPATIBILITY.md).
  g.global = g;
  g.self = g;
  const makeError = createGuestErrorFactory(compartment);
  const rpc = createRpcClient({ send: (m) => ports.send(m), makeError, maxPending: MAX_PENDING_CALLS });
  const hostMembers = createHostMembers(rpc, ports.log);
  return { compartment, timers, rpc, hostMembers, ...(clock ? { clock } : {}) };
}
