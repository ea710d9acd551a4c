/**
 * The bookkeeping around every I/O call of one extension, in one place: one audit record per
 * operation (outcome, duration, bytes), the call rate and the byte and request budgets of every
 * I/O path (user files and the private data folder, storage, secrets, network), the usage
 * counters behind the metrics, and the broker check with one wording for refusals.
 *
 * Dispatch runs every call through `call` (the rate) and `run` (the I/O), which classifies each
 * method once (METHOD_IO: a new method is a type error until it is classified here). Writes and
 * request bodies are taken from their budget before they happen (over budget: no effect). What
 * comes back (a file, a storage value, a secret, a response) is sized after the fact, booked,
 * and, if that overdrew the budget, refused before the extension receives it; the overdraft then
 * refuses what follows until the budget has refilled. Refusals are ERATE and name the budget
 * (`limits.<name>`), so the author knows which manifest limit to look at.
 */
import { WardenError } from '../../common/errors';
import type { HostMethod } from '../../common/protocol';
import type { BudgetKey } from '../../common/limits';
import type { PermissionRequest } from '../permissions/types';
import { denialError } from '../permissions/denial';
import { scaleBudgets } from '../governance/token-bucket';
import type { HostApiDeps } from './context';

export type Io = 'local-read' | 'local-write' | 'net' | 'none';

/** How each host method moves bytes; `satisfies` makes an unclassified method a type error. */
const METHOD_IO = {
  'storage.get': 'local-read',
  'storage.set': 'local-write',
  'storage.delete': 'none',
  'storage.keys': 'local-read',
  'fs.readText': 'local-read',
  'fs.readBytes': 'local-read',
  'fs.writeText': 'local-write',
  'fs.writeBytes': 'local-write',
  'fs.list': 'local-read',
  'fs.stat': 'none',
  'fs.mkdir': 'none',
  'fs.remove': 'none',
  'fs.pickFile': 'none',
  'fs.pickDirectory': 'none',
  'net.fetch': 'net',
  'secrets.get': 'local-read',
  'fs.read': 'local-read', // deprecated alias: dispatch runs it as fs.readText
  // Its own budget (a burst of 5, 20 a minute), checked once the permission is: ui.ts.
  'ui.notify': 'none',
  'permissions.query': 'none',
  'permissions.request': 'none',
} as const satisfies Record<HostMethod, Io>;

/** How a host method moves bytes (the host-call gate runs local reads a few at a time). */
export const methodIo = (method: HostMethod): Io => METHOD_IO[method];

const UNITS: Record<BudgetKey, string> = {
  hostCallsPerSecond: 'calls a second',
  netRequestsPerMinute: 'requests a minute',
  netMbPerMinute: 'MB a minute',
  fsMbPerMinute: 'MB a minute',
};

export interface Metering {
  /** Refuses a host call over `limits.hostCallsPerSecond`, before anything else is looked at. */
  call(method: string): void;
  /** Runs one validated call with its bytes and requests metered and counted. */
  run<T>(method: HostMethod, args: readonly unknown[], perform: () => Promise<T>): Promise<T>;
  /** Runs `run`, writing one audit record whatever its outcome. */
  audited<T>(method: string, target: string, run: () => Promise<T>, bytes?: (r: T) => number): Promise<T>;
  /** Throws EPERM unless the broker allows the request; `shown` is the target as the extension gave it. */
  require(req: PermissionRequest, shown?: string): Promise<void>;
}

export function createMetering(deps: HostApiDeps): Metering {
  const extId = deps.manifest.id;
  const { budget, usage } = deps;
  const refuse = (method: string, key: BudgetKey, what: string): never => {
    // A behaviour throttle divides every budget: the message gives the number in force and why.
    const t = budget!.throttled();
    const amount = t ? scaleBudgets(budget!.budgets, t)[key] : budget!.budgets[key];
    const why = t ? `, throttled to 1/${t} after unusual behaviour: see \`warden anomalies\`` : '';
    throw new WardenError(
      'ERATE',
      `host.${method}: over its ${what} budget of ${+amount.toFixed(3)} ${UNITS[key]} (limits.${key}${why}); try again later`,
    );
  };
  const count = (key: 'fsBytes' | 'netBytes', n: number) => {
    if (usage) usage[key] += n;
  };

  return {
    call(method) {
      if (budget && !budget.call()) refuse(method, 'hostCallsPerSecond', 'host call');
    },
    async run(method, args, perform) {
      // Without a budget (a handler made bare, in a test) bytes are still counted.
      switch (METHOD_IO[method] as Io) {
        case 'local-write': {
          const n = dataSize(method === 'storage.set' ? args : args[1]);
          if (budget && !budget.fsTake(n)) refuse(method, 'fsMbPerMinute', 'file and storage I/O');
          const result = await perform();
          count('fsBytes', n);
          return result;
        }
        case 'local-read': {
          const result = await perform();
          const n = dataSize(result);
          count('fsBytes', n);
          if (budget && !budget.fsCharge(n)) refuse(method, 'fsMbPerMinute', 'file and storage I/O');
          return result;
        }
        case 'net': {
          if (budget && !budget.netBytesLeft()) refuse(method, 'netMbPerMinute', 'network bytes');
          if (budget && !budget.netRequest()) refuse(method, 'netRequestsPerMinute', 'network request');
          const sent = dataSize((args[1] as { body?: unknown } | undefined)?.body);
          count('netBytes', sent);
          budget?.netCharge(sent);
          const result = await perform();
          const received = dataSize((result as { body?: unknown } | undefined)?.body);
          count('netBytes', received);
          if (budget && !budget.netCharge(received)) refuse(method, 'netMbPerMinute', 'network bytes');
          return result;
        }
        case 'none':
          return perform();
      }
    },
    async audited(method, target, run, bytes) {
      const start = Date.now();
      // One record whatever the outcome: bytes when it succeeded, the error code when it did not.
      const record = (outcome: { bytes?: number; detail?: string }) =>
        deps.audit?.write({
          ext: extId,
          kind: 'operation',
          method,
          target,
          durationMs: Date.now() - start,
          ...outcome,
        });
      try {
        const result = await run();
        record(bytes ? { bytes: bytes(result) } : {});
        return result;
      } catch (err) {
        record({ detail: err instanceof WardenError ? err.code : 'EINTERNAL' });
        throw err;
      }
    },
    async require(req, shown = req.target) {
      const d = await deps.authorizer
        .authorize(req)
        .catch(() => ({ allow: false as const, reason: 'denied' as const, via: 'error' as const }));
      if (!d.allow) throw denialError(req.capability, shown, d.reason);
    },
  };
}

/**
 * The size of plain data as it travels (bytes of Uint8Arrays, UTF-16 code units of strings, a few
 * bytes per number and key), bounded work: host values are already copied and limited in size.
 */
export function dataSize(value: unknown): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') total += v.length + 2;
    else if (typeof v === 'number' || typeof v === 'boolean') total += 8;
    else if (v instanceof Uint8Array) total += v.byteLength;
    else if (Array.isArray(v)) {
      total += 2;
      for (const item of v) stack.push(item);
    } else if (typeof v === 'object') {
      total += 2;
      for (const [k, item] of Object.entries(v)) {
        total += k.length + 3;
        stack.push(item);
      }
    }
  }
  return total;
}
