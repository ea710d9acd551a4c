/**
 * Auto-rollback: an extension updated less than `window` ago that exits unexpectedly `crashes`
 * times goes back to the version it was updated from (kept locally), is reloaded in the
 * supervisor (released from a quarantine its crashes caused) and the rollback is reported as an
 * event with a message fit for the activity log; the registry's audit log records it too.
 */
import type { Supervisor, SupervisorEvent } from '../supervision/supervisor';
import type { PackageRegistry } from './registry';

export interface AutoRollbackOptions {
  /** How long after an update crashes count (default 5 minutes). */
  window?: number;
  /** Unexpected exits within the window that trigger the rollback (default 3). */
  crashes?: number;
  now?: () => number;
}

export type AutoRollbackEvent =
  | { type: 'rolled-back'; id: string; from: string; to: string; crashes: number; message: string }
  | { type: 'rollback-failed'; id: string; message: string };

export interface AutoRollbackWatcher {
  onEvent(listener: (e: AutoRollbackEvent) => void): () => void;
  /** Resolves when no rollback is in progress. */
  idle(): Promise<void>;
  stop(): void;
}

export function watchForAutoRollback(
  supervisor: Supervisor,
  registry: PackageRegistry,
  options: AutoRollbackOptions = {},
): AutoRollbackWatcher {
  const windowMs = options.window ?? 5 * 60_000;
  const threshold = options.crashes ?? 3;
  const now = options.now ?? Date.now;
  const crashes = new Map<string, number[]>();
  const busy = new Map<string, Promise<void>>();
  const listeners = new Set<(e: AutoRollbackEvent) => void>();
  const inFlight = new Set<Promise<void>>();
  const emit = (e: AutoRollbackEvent) => listeners.forEach((l) => l(e));

  async function onCrash(id: string, at: number): Promise<void> {
    const rec = await registry.record(id);
    if (!rec || !rec.updatedFrom || at - rec.activatedAt > windowMs) return;
    const times = (crashes.get(id) ?? []).filter((t) => t >= rec.activatedAt && at - t <= windowMs);
    times.push(at);
    crashes.set(id, times);
    if (times.length < threshold || busy.has(id)) return;
    const from = rec.active;
    const reason = `crashed ${times.length} times within ${Math.round(windowMs / 1000)} s of the update to ${from}`;
    const job = (async () => {
      try {
        const out = await registry.rollback(id, { to: rec.updatedFrom, reason, onlyIfActive: from });
        crashes.delete(id);
        await supervisor.remove(id);
        supervisor.add(await registry.loadInstalled(id));
        if (supervisor.status(id).quarantine) supervisor.release(id);
        emit({
          type: 'rolled-back',
          id,
          from: out.from,
          to: out.to,
          crashes: times.length,
          message: `${id} ${out.from} ${reason}; rolled back to ${out.to}`,
        });
      } catch (err) {
        emit({ type: 'rollback-failed', id, message: `${id}: automatic rollback failed: ${(err as Error).message}` });
      } finally {
        busy.delete(id);
      }
    })();
    busy.set(id, job);
    await job;
  }

  const off = supervisor.onEvent((e: SupervisorEvent) => {
    if (e.type !== 'exit' || e.expected) return;
    const at = now();
    const handled: Promise<void> = onCrash(e.id, at)
      .catch((err: unknown) =>
        emit({
          type: 'rollback-failed',
          id: e.id,
          message: `${e.id}: automatic rollback failed: ${(err as Error).message}`,
        }),
      )
      .finally(() => inFlight.delete(handled));
    inFlight.add(handled);
  });

  return {
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async idle() {
      while (busy.size || inFlight.size) await Promise.all([...busy.values(), ...inFlight]);
    },
    stop: off,
  };
}
