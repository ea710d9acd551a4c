/** `activity.query` (the audit log, home paths as `~/…`) and `resources.snapshot` (metrics history). */
import type { BridgeValue } from '../../../common/bridge/schemas';
import { forDisplay } from '../../permissions/display';
import type { HandlerDeps, Handlers } from './types';

export function activityHandlers(d: HandlerDeps): Handlers<'activity.query' | 'resources.snapshot'> {
  return {
    'activity.query': async ({ extensionId, capability, decision, limit }) => {
      const records = (d.services.audit?.read({ extensionId }) ?? []).filter(
        (r) =>
          (capability === undefined || r.capability === capability) &&
          (decision === undefined || r.decision === decision),
      );
      return records.slice(-(limit ?? 500)).map((r) => forDisplay(r)) as BridgeValue<'activity.query'>;
    },
    'resources.snapshot': async ({ sinceMs }) =>
      d.known.ids().map((extensionId) => ({
        extensionId,
        history: d.supervisor.metrics.history(extensionId, Date.now() - (sinceMs ?? 10 * 60_000)),
      })),
  };
}
