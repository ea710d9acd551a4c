/**
 * `anomalies.*`: the behaviour findings (electron/core/behaviour) as `warden anomalies` shows
 * them — the list, "this is expected" (the finding's feature joins the baseline and a quarantine
 * it caused is lifted) and the incident around one finding, as data and as Markdown.
 */
import { WardenError } from '../../../common/errors';
import type { BridgeValue, FindingData } from '../../../common/bridge/schemas';
import {
  acceptStoredFinding,
  buildIncident,
  createBehaviourStore,
  incidentMarkdown,
  DEFAULT_BEHAVIOUR_SETTINGS,
  type BehaviourStore,
  type Finding,
} from '../../behaviour';
import { forDisplay } from '../../permissions/display';
import type { HandlerDeps, Handlers } from './types';

/** The most findings one list answer carries (the newest). */
const MAX_FINDINGS = 1000;
/** The most timeline records one incident carries (the nearest to the finding win). */
const MAX_TIMELINE = 2000;

/** The bridge's shape of a finding: the fields it names, nothing the file may add. */
export function findingData(f: Finding): FindingData {
  const opt = <K extends keyof Finding>(k: K) => (f[k] === undefined ? {} : { [k]: f[k] });
  return {
    id: f.id,
    t: f.t,
    ext: f.ext,
    version: f.version,
    rule: f.rule,
    severity: f.severity,
    response: f.response,
    ...opt('capability'),
    ...(f.target !== undefined ? { target: forDisplay({ target: f.target }).target } : {}),
    ...opt('observed'),
    ...opt('baseline'),
    ...opt('ratio'),
    afterUpdate: f.afterUpdate === true,
    ...opt('hoursSinceUpdate'),
    ...opt('rollbackTo'),
    why: f.why,
    state: f.state === 'accepted' ? 'accepted' : 'open',
  } as FindingData;
}

export function anomalyHandlers(
  d: HandlerDeps,
): Handlers<'anomalies.list' | 'anomalies.accept' | 'anomalies.incident'> {
  // The running monitor's store when baselines are on; otherwise the same files, read only.
  let ownStore: BehaviourStore | undefined;
  const store = () => d.services.behaviour?.store ?? (ownStore ??= createBehaviourStore(d.options.dataDir));
  const find = (id: string): Finding => {
    const f = store()
      .readFindings()
      .find((x) => x.id === id);
    if (!f) throw new WardenError('ENOENT', `no finding ${id}`);
    return f;
  };

  return {
    'anomalies.list': async ({ extensionId, all }) => {
      if (extensionId) d.known.require(extensionId);
      const findings = store()
        .readFindings(extensionId)
        .filter((f) => all === true || f.state !== 'accepted')
        .slice(-MAX_FINDINGS)
        .map(findingData);
      const enabled = (d.policy.behaviour ?? DEFAULT_BEHAVIOUR_SETTINGS).enabled;
      return { enabled, findings };
    },
    'anomalies.accept': async ({ findingId }) => {
      const stored = find(findingId);
      const monitor = d.services.behaviour;
      // A finding of this session is in the engine (its profile is live); older ones only on disk.
      let accepted = monitor?.accept(findingId);
      if (!accepted) {
        accepted = acceptStoredFinding(store(), findingId) ?? stored;
        monitor?.engine.profile(stored.ext)?.accepted.add(stored.feature);
        d.services.audit?.write({
          ext: stored.ext,
          kind: 'anomaly',
          reason: 'accepted',
          detail: `finding ${findingId} marked expected: ${stored.why}`,
        });
      }
      // A quarantine this deviation caused is lifted with it; others stay (as `warden anomalies accept`).
      let released = false;
      if (d.supervisor.list().some((s) => s.id === stored.ext)) {
        const q = d.supervisor.status(stored.ext).quarantine;
        if (q?.reason.startsWith('unusual behaviour:') && q.reason.includes(stored.why))
          released = d.supervisor.release(stored.ext);
      }
      d.changed();
      return { finding: findingData({ ...accepted, state: 'accepted' }), released };
    },
    'anomalies.incident': async ({ findingId }) => {
      const f = find(findingId);
      const records = d.services.audit?.read({ extensionId: f.ext }) ?? [];
      const incident = buildIncident(f, records);
      const markdown = incidentMarkdown(incident);
      // Nearest to the finding first when the window holds more than one answer may carry.
      let timeline = incident.timeline;
      if (timeline.length > MAX_TIMELINE) {
        const at = timeline.findIndex((r) => r.time >= f.t);
        const start = Math.max(
          0,
          Math.min(timeline.length - MAX_TIMELINE, (at < 0 ? timeline.length : at) - MAX_TIMELINE / 2),
        );
        timeline = timeline.slice(start, start + MAX_TIMELINE);
      }
      return {
        finding: findingData(f),
        from: incident.from,
        to: incident.to,
        timeline: timeline.map((r) => forDisplay(r)),
        summary: incident.summary,
        markdown,
      } as BridgeValue<'anomalies.incident'>;
    },
  };
}
