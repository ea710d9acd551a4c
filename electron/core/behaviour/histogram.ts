/**
 * A compact histogram of non-negative values in logarithmic buckets (4 per doubling, so a
 * quantile is within 19 % of the true value). Baselines keep one per day per feature: a profile
 * stays a few KiB however busy the extension is, where raw per-minute values would grow without
 * bound.
 */
export type Histogram = Map<number, number>;

const PER_OCTAVE = 4;

/** Bucket 0 holds zero; bucket b ≥ 1 holds values in [2^((b-1)/4), 2^(b/4)). */
export function bucketOf(value: number): number {
  if (!(value > 0)) return 0;
  if (value < 1) return 1;
  return Math.floor(Math.log2(value) * PER_OCTAVE) + 1;
}

/** The upper edge of a bucket: quantiles err on the high side, so baselines never understate. */
export function bucketTop(bucket: number): number {
  return bucket === 0 ? 0 : Math.pow(2, bucket / PER_OCTAVE);
}

export function addTo(h: Histogram, value: number, times = 1): void {
  const b = bucketOf(value);
  h.set(b, (h.get(b) ?? 0) + times);
}

export function total(hs: Iterable<Histogram>): number {
  let n = 0;
  for (const h of hs) for (const c of h.values()) n += c;
  return n;
}

/** The q-quantile (0..1) over several histograms, or undefined when they hold fewer than `min` values. */
export function quantile(hs: Histogram[], q: number, min = 1): number | undefined {
  const merged = new Map<number, number>();
  let n = 0;
  for (const h of hs)
    for (const [b, c] of h) {
      merged.set(b, (merged.get(b) ?? 0) + c);
      n += c;
    }
  if (n < Math.max(1, min)) return undefined;
  const rank = Math.ceil(q * n);
  let seen = 0;
  for (const b of [...merged.keys()].sort((a, z) => a - z)) {
    seen += merged.get(b)!;
    if (seen >= rank) return bucketTop(b);
  }
  return undefined;
}

export const toPairs = (h: Histogram): Array<[number, number]> => [...h];
export const fromPairs = (pairs: Array<[number, number]>): Histogram => new Map(pairs);
