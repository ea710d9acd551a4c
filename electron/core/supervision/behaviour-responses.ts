/**
 * What the supervisor does for the behaviour monitor's responses (electron/core/behaviour):
 * contain = quarantine and stop at once (the host may roll an update back), re-ask = remembered
 * answers stop covering the capability, throttle = every budget divided until the finding is
 * marked expected ("this is expected" lifts it, unless another open finding still holds one).
 */
import type { Capability } from '../../common/protocol';
import type { BehaviourMonitor } from '../behaviour/monitor';
import type { Finding } from '../behaviour/types';
import type { StrikeBook } from '../governance/strikes';
import type { HostServices } from '../host-api/services';
import type { Logger } from '../platform/logger';
import type { Entry } from './types';

/** The broker's capability for a behaviour feature's capability (secrets are read as `secrets.get`). */
function brokerCapability(cap: string | undefined): Capability | undefined {
  if (cap === 'net' || cap === 'fs.read' || cap === 'fs.write' || cap === 'notifications') return cap;
  if (cap === 'secrets.get') return 'secrets';
  return undefined;
}

/** Attaches the responses; returns how to throttle an entry (also used when one is added). */
export function attachBehaviourResponses(o: {
  behaviour: BehaviourMonitor;
  entries: Map<string, Entry>;
  strikes: StrikeBook;
  services: HostServices;
  logger: Logger;
  /** Stops the entry's process and reports the quarantine like any other. */
  quarantined(e: Entry, reason: string): void;
  onContained?(id: string, finding: Finding): void;
}): (e: Entry, reason: string) => void {
  const { behaviour, entries, services, logger } = o;
  const throttleEntry = (e: Entry, reason: string) => {
    const id = e.ext.manifest.id;
    const factor = behaviour.settings.throttleFactor;
    e.context.budget.throttle(factor);
    services.audit?.write({
      ext: id,
      kind: 'lifecycle',
      detail: `throttled: budgets divided by ${factor} (${reason})`,
    });
    logger.warn(`throttled: its budgets are divided by ${factor} (${reason}); \`warden anomalies\` shows why`, {
      ext: id,
    });
  };
  behaviour.attach({
    contain(id, finding) {
      const e = entries.get(id);
      if (!e) return;
      const reason = `unusual behaviour: ${finding.why}`;
      o.strikes.quarantine(id, reason);
      services.audit?.write({ ext: id, kind: 'lifecycle', detail: `quarantined: ${reason}` });
      logger.warn(`quarantined: ${reason}; \`warden release ${id}\` lets it run again`, { ext: id });
      o.quarantined(e, reason);
      o.onContained?.(id, finding);
    },
    reask(id, finding) {
      const cap = brokerCapability(finding.capability);
      if (cap) services.broker.suspendRemembered(id, cap);
    },
    throttle(id, finding) {
      const e = entries.get(id);
      if (!e || e.context.budget.throttled()) return;
      throttleEntry(e, `unusual behaviour: ${finding.why}`);
    },
    lift(id) {
      const e = entries.get(id);
      // Another open finding with a throttle response keeps it in force.
      if (!e || !e.context.budget.throttled() || behaviour.throttledBy(id)) return;
      e.context.budget.throttle(undefined);
      services.audit?.write({ ext: id, kind: 'lifecycle', detail: 'throttle lifted (deviation marked expected)' });
      logger.info('throttle lifted: its budgets are back to what its manifest asks', { ext: id });
    },
  });
  return throttleEntry;
}
