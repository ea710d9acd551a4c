/**
 * Aligns per-extension metric histories onto one time axis for the charts (uPlot wants one x array
 * and one y array per series, same length, null where a series has no point).
 */
import type { MetricSampleData } from '../../../electron/common/bridge/schemas';

export interface AlignedSeries {
  /** Seconds since epoch (uPlot's time unit), ascending. */
  x: number[];
  /** One array per id in `ids`, aligned with `x`. */
  ys: (number | null)[][];
  ids: string[];
}

/**
 * Buckets samples to whole seconds and aligns them.
 *
 * @param history - samples per extension id
 * @param pick - the value to chart from a sample
 * @param ids - which extensions, in legend order
 */
export function alignSeries(
  history: Record<string, readonly MetricSampleData[]>,
  pick: (s: MetricSampleData) => number,
  ids: readonly string[],
): AlignedSeries {
  const times = new Set<number>();
  const perId = ids.map((id) => {
    const m = new Map<number, number>();
    for (const s of history[id] ?? []) {
      const t = Math.round(s.time / 1000);
      m.set(t, pick(s));
      times.add(t);
    }
    return m;
  });
  const x = [...times].sort((a, b) => a - b);
  const ys = perId.map((m) => x.map((t) => m.get(t) ?? null));
  return { x, ys, ids: [...ids] };
}
