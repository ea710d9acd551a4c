/**
 * Per-extension metric history over the last minutes: the snapshot on (re)connect, then one
 * `resources.sample` per extension per second. Old samples fall off the front.
 */
import type { MetricSampleData } from '../../../electron/common/bridge/schemas';
import type { SliceCreator } from './types';

/** How much history the charts show. */
export const HISTORY_MS = 5 * 60_000;
/** Hard cap per extension, whatever the sample rate. */
const MAX_SAMPLES = 1200;

export interface ResourcesSlice {
  history: Record<string, MetricSampleData[]>;
  loadSnapshot(): Promise<void>;
  receiveSample(extensionId: string, sample: MetricSampleData): void;
}

function trim(samples: MetricSampleData[], now: number): MetricSampleData[] {
  const from = now - HISTORY_MS;
  let start = 0;
  while (start < samples.length && samples[start]!.time < from) start++;
  start = Math.max(start, samples.length - MAX_SAMPLES);
  return start > 0 ? samples.slice(start) : samples;
}

export const createResourcesSlice: SliceCreator<ResourcesSlice> = (set, get) => ({
  history: {},
  loadSnapshot: async () => {
    const r = await get().bridge.call('resources.snapshot', { sinceMs: HISTORY_MS });
    if (!r.ok) return;
    const current = get().history;
    const next: Record<string, MetricSampleData[]> = {};
    for (const { extensionId, history } of r.value) {
      const sorted = [...history].sort((a, b) => a.time - b.time);
      const last = sorted.at(-1)?.time ?? -Infinity;
      // Samples that arrived while the snapshot was in flight are newer than it: keep them.
      const newer = (current[extensionId] ?? []).filter((s) => s.time > last);
      const merged = [...sorted, ...newer];
      next[extensionId] = trim(merged, merged.at(-1)?.time ?? Date.now());
    }
    set({ history: next });
  },
  receiveSample: (extensionId, sample) => {
    const prev = get().history[extensionId] ?? [];
    const last = prev.at(-1);
    const appended =
      last && sample.time < last.time ? [...prev, sample].sort((a, b) => a.time - b.time) : [...prev, sample];
    set({ history: { ...get().history, [extensionId]: trim(appended, sample.time) } });
  },
});
