/**
 * The bookkeeping around every I/O call of one extension: one audit record per operation (outcome,
 * duration, bytes), the byte budget, the usage counters behind the metrics, and the broker check
 * with one wording for refusals.
 */
import { WardenError } from '../../common/errors';
import type { PermissionRequest } from '../permissions/types';
import { denialError } from '../permissions/denial';
import type { HostApiDeps } from './context';

export interface Metering {
  /** Runs `run`, writing one audit record whatever its outcome. */
  audited<T>(method: string, target: string, run: () => Promise<T>, bytes?: (r: T) => number): Promise<T>;
  /**
   * Runs a file operation under the fs byte budget. Writes (`writeSize` given) are metered before
   * they happen (no partial effect over budget); reads after the fact, since their size is unknown
   * before, but before anything is delivered.
   */
  fsMetered<T>(method: string, run: () => Promise<T>, bytes?: (r: T) => number, writeSize?: number): Promise<T>;
  /** Throws EPERM unless the broker allows the request; `shown` is the target as the extension gave it. */
  require(req: PermissionRequest, shown?: string): Promise<void>;
}

export function createMetering(deps: HostApiDeps): Metering {
  const extId = deps.manifest.id;
  const overBudget = (method: string) => new WardenError('ERATE', `${method}: file I/O budget exceeded`);
  return {
    async audited(method, target, run, bytes) {
      const start = Date.now();
      try {
        const result = await run();
        deps.audit?.write({
          ext: extId,
          kind: 'operation',
          method,
          target,
          durationMs: Date.now() - start,
          ...(bytes ? { bytes: bytes(result) } : {}),
        });
        return result;
      } catch (err) {
        const code = err instanceof WardenError ? err.code : 'EINTERNAL';
        deps.audit?.write({
          ext: extId,
          kind: 'operation',
          method,
          target,
          durationMs: Date.now() - start,
          detail: code,
        });
        throw err;
      }
    },
    async fsMetered(method, run, bytes, writeSize) {
      if (writeSize !== undefined && deps.budget && !deps.budget.fsBytes(writeSize)) throw overBudget(method);
      const result = await run();
      const n = bytes ? bytes(result) : 0;
      if (deps.usage) deps.usage.fsBytes += n;
      if (writeSize === undefined && n > 0 && deps.budget && !deps.budget.fsBytes(n)) throw overBudget(method);
      return result;
    },
    async require(req, shown = req.target) {
      const d = await deps.authorizer
        .authorize(req)
        .catch(() => ({ allow: false as const, reason: 'denied' as const, via: 'error' as const }));
      if (!d.allow) throw denialError(req.capability, shown, d.reason);
    },
  };
}
