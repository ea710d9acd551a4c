/**
 * Failures of an installed extension's active version (crashes, failed activations), kept in
 * state.json so that auto-rollback counts them across processes: three separate `warden run`
 * invocations of a broken update add up just as three crashes inside `warden serve` do.
 */
import { acquireLock, readState, writeState, type ExtensionRecord } from './install-state';

export type FailureKind = 'crash' | 'activation';
export type Failure = NonNullable<ExtensionRecord['failures']>[number];

const KEEP = 16;

/**
 * Records one failure of `id`'s active version at `at` and returns the failures of that version
 * within `windowMs` (none if `id` is not installed or was activated after `at`).
 */
export async function recordFailure(
  dataDir: string,
  id: string,
  failure: Failure,
  windowMs: number,
  lockTimeoutMs?: number,
): Promise<Failure[]> {
  const lock = await acquireLock(dataDir, lockTimeoutMs);
  try {
    const state = await readState(dataDir);
    const rec = Object.hasOwn(state.extensions, id) ? state.extensions[id] : undefined;
    if (!rec || failure.at < rec.activatedAt) return [];
    const recent = [...(rec.failures ?? []), failure]
      .filter((f) => f.at >= rec.activatedAt && failure.at - f.at <= windowMs)
      .slice(-KEEP);
    state.extensions[id] = { ...rec, failures: recent };
    await writeState(dataDir, state);
    return recent;
  } finally {
    await lock.release();
  }
}
