/**
 * Behaviour findings (what an extension did that its learnt baseline did not expect), "this is
 * expected" for one, and the incident around one. The list is loaded on (re)connect and again when
 * the audit log reports an `anomaly` record (see connection-slice's feeds).
 */
import type { FindingData, IncidentData } from '../../../electron/common/bridge/schemas';
import { callOrNotify, describeError } from './call';
import type { SliceCreator } from './types';

export interface AnomaliesSlice {
  findings: FindingData[];
  /** False when the admin policy turned behaviour baselines off. */
  anomaliesEnabled: boolean;
  anomaliesLoaded: boolean;
  anomaliesError: string | null;
  /** Also list findings already marked expected. */
  showAccepted: boolean;
  /** The incident open in the view, or the finding it is being loaded for. */
  incident: IncidentData | null;
  incidentLoading: string | null;
  loadAnomalies(): Promise<void>;
  setShowAccepted(show: boolean): Promise<void>;
  /** "This is expected": the finding joins the baseline (and a quarantine it caused is lifted). */
  acceptFinding(id: string): Promise<boolean>;
  openIncident(id: string): Promise<void>;
  closeIncident(): void;
}

export const createAnomaliesSlice: SliceCreator<AnomaliesSlice> = (set, get) => {
  let generation = 0;
  return {
    findings: [],
    anomaliesEnabled: true,
    anomaliesLoaded: false,
    anomaliesError: null,
    showAccepted: false,
    incident: null,
    incidentLoading: null,
    loadAnomalies: async () => {
      const mine = ++generation;
      const r = await get().bridge.call('anomalies.list', { all: get().showAccepted });
      if (mine !== generation) return; // a newer load (another filter) answers instead
      if (!r.ok) {
        set({ anomaliesLoaded: true, anomaliesError: describeError(r.error) });
        return;
      }
      // Newest first: the latest deviation is what the user came to see.
      const findings = [...r.value.findings].sort((a, b) => b.t - a.t);
      set({ findings, anomaliesEnabled: r.value.enabled, anomaliesLoaded: true, anomaliesError: null });
    },
    setShowAccepted: async (show) => {
      set({ showAccepted: show });
      await get().loadAnomalies();
    },
    acceptFinding: async (id) => {
      const key = `finding:${id}`;
      if (get().busy[key]) return false;
      set({ busy: { ...get().busy, [key]: 'Marking expected' } });
      try {
        const v = await callOrNotify(get, 'Marking the finding expected', 'anomalies.accept', { findingId: id });
        if (!v) return false;
        const name = get().extensions.find((e) => e.id === v.finding.ext)?.name ?? v.finding.ext;
        get().notify(
          'success',
          `${name}: this behaviour is now part of its baseline${v.released ? '; released from quarantine' : ''}.`,
        );
        const incident = get().incident;
        if (incident?.finding.id === id) set({ incident: { ...incident, finding: v.finding } });
        await get().loadAnomalies();
        return true;
      } finally {
        const { [key]: _done, ...rest } = get().busy;
        set({ busy: rest });
      }
    },
    openIncident: async (id) => {
      set({ incidentLoading: id });
      const v = await callOrNotify(get, 'Loading the incident', 'anomalies.incident', { findingId: id });
      if (get().incidentLoading !== id) return; // closed or another one opened meanwhile
      set({ incidentLoading: null, ...(v ? { incident: v } : {}) });
    },
    closeIncident: () => set({ incident: null, incidentLoading: null }),
  };
};
