/**
 * The audit log as the Activity view shows it: a query for the current filter, then live records
 * that match it appended at the end (newest last, like a log), capped.
 */
import type { AuditRecordData } from '../../../electron/common/bridge/schemas';
import { describeError } from './call';
import type { SliceCreator } from './types';

export interface ActivityFilter {
  extensionId?: string;
  capability?: string;
  decision?: 'allow' | 'deny';
}

export interface ActivitySlice {
  records: AuditRecordData[];
  activityLoaded: boolean;
  activityError: string | null;
  activityFilter: ActivityFilter;
  /** Words typed in the search box: records are narrowed in the view (all of them must match). */
  activitySearch: string;
  /** Keep the newest record in view. */
  follow: boolean;
  /** Records that arrive while a query is in flight (null when none is); see `loadActivity`. */
  activityBuffer: AuditRecordData[] | null;
  loadActivity(): Promise<void>;
  setActivityFilter(patch: Partial<ActivityFilter>): Promise<void>;
  receiveRecord(record: AuditRecordData): void;
  setFollow(follow: boolean): void;
  setActivitySearch(text: string): void;
}

export const ACTIVITY_QUERY_LIMIT = 500;
export const MAX_RECORDS = 2000;

/** Whether a record passes the filter (the same test the host applies to the query). */
export function matchesFilter(r: AuditRecordData, f: ActivityFilter): boolean {
  if (f.extensionId && r.ext !== f.extensionId) return false;
  if (f.capability && r.capability !== f.capability) return false;
  if (f.decision && r.decision !== f.decision) return false;
  return true;
}

export const createActivitySlice: SliceCreator<ActivitySlice> = (set, get) => {
  let generation = 0;
  return {
    records: [],
    activityLoaded: false,
    activityError: null,
    activityFilter: {},
    activitySearch: '',
    follow: true,
    activityBuffer: null,
    loadActivity: async () => {
      const mine = ++generation;
      const filter = get().activityFilter;
      set({ activityBuffer: [] });
      const r = await get().bridge.call('activity.query', { ...filter, limit: ACTIVITY_QUERY_LIMIT });
      if (mine !== generation) return;
      // Records that arrived meanwhile and are newer than the answer are kept.
      const arrived = get().activityBuffer ?? [];
      if (!r.ok) {
        set({ activityBuffer: null, activityLoaded: true, activityError: describeError(r.error) });
        return;
      }
      const sorted = [...r.value].sort((a, b) => a.time - b.time);
      const last = sorted.at(-1)?.time ?? -Infinity;
      const records = [...sorted, ...arrived.filter((x) => x.time > last)].slice(-MAX_RECORDS);
      set({ records, activityBuffer: null, activityLoaded: true, activityError: null });
    },
    setActivityFilter: async (patch) => {
      const next: ActivityFilter = { ...get().activityFilter, ...patch };
      for (const key of Object.keys(next) as (keyof ActivityFilter)[]) if (!next[key]) delete next[key];
      set({ activityFilter: next });
      await get().loadActivity();
    },
    receiveRecord: (record) => {
      if (!matchesFilter(record, get().activityFilter)) return;
      const buffer = get().activityBuffer;
      if (buffer) {
        set({ activityBuffer: [...buffer, record] });
        return;
      }
      const records = get().records;
      set({
        records: records.length >= MAX_RECORDS ? [...records.slice(1 - MAX_RECORDS), record] : [...records, record],
      });
    },
    setFollow: (follow) => set({ follow }),
    setActivitySearch: (text) => set({ activitySearch: text.slice(0, 200) }),
  };
};

/**
 * Whether a record matches every word of a search (case-insensitive), in any of its fields or the
 * extension's name.
 */
export function matchesSearch(r: AuditRecordData, words: readonly string[], extName: string): boolean {
  if (words.length === 0) return true;
  const hay = [
    extName,
    r.ext,
    r.kind,
    r.capability,
    r.target,
    r.decision,
    r.reason,
    r.via,
    r.method,
    r.detail,
    r.version,
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  return words.every((w) => hay.includes(w));
}

export const searchWords = (text: string): string[] => text.toLowerCase().split(/\s+/).filter(Boolean);
