/** `commands.run` / `commands.cancel`: one abortable run per run id, progress as bridge events. */
import { WardenError } from '../../../common/errors';
import type { DataValue } from '../../../common/data-value';
import type { HandlerDeps, Handlers } from './types';

export function commandHandlers(d: HandlerDeps): Handlers<'commands.run' | 'commands.cancel'> {
  const runs = new Map<string, AbortController>();
  return {
    'commands.run': async ({ runId, extensionId, commandId, args }) => {
      const k = d.known.require(extensionId);
      if (!k.enabled) throw new WardenError('EINVAL', `${extensionId} is disabled`);
      // Blocklisted, forbidden by the admin policy, or changed on disk: shown, never run.
      if (k.blocked) throw new WardenError('EPERM', k.blocked, { reason: 'policy' });
      // The registry is the authority: a catalog refresh may have blocked this version a moment
      // ago, before the host's own record caught up.
      if (k.source === 'installed') {
        const blocked = await d.registry.blocked(extensionId);
        if (blocked) throw new WardenError('EPERM', blocked, { reason: 'policy' });
      }
      if (runs.has(runId)) throw new WardenError('EEXIST', `a run "${runId}" is already in progress`);
      const controller = new AbortController();
      runs.set(runId, controller);
      const started = Date.now();
      try {
        const result = await d.supervisor.invoke(extensionId, commandId, args as DataValue, {
          signal: controller.signal,
          onProgress: (fraction, message) =>
            d.emit('commands.progress', { runId, fraction, ...(message !== undefined ? { message } : {}) }),
        });
        return { result, durationMs: Date.now() - started };
      } finally {
        runs.delete(runId);
      }
    },
    'commands.cancel': async ({ runId }) => {
      runs.get(runId)?.abort();
      return {};
    },
  };
}
