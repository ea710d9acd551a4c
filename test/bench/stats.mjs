// Small statistics, /proc readers and formatting for the benchmark.
import fs from 'node:fs';

/** Nearest-rank percentile (p in 0..100) of an ascending array. */
function rank(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** min / median / p90 / max of a sample (median interpolated between the middle two). */
export function summarize(values) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return { n: 0, min: NaN, median: NaN, p90: NaN, max: NaN };
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { n, min: s[0], median, p90: rank(s, 90), max: s[n - 1] };
}

/** Ratio of subject to floor, statistic by statistic (min/min, median/median, p90/p90). */
export function ratios(subject, floor) {
  return {
    min: subject.min / floor.min,
    median: subject.median / floor.median,
    p90: subject.p90 / floor.p90,
  };
}

/** Memory of one process in MiB from /proc/<pid>/smaps_rollup; USS = Private_Clean + Private_Dirty. */
export function readMemory(pid) {
  const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  const mib = (v) => v / 1024;
  return {
    rss: mib(kb('Rss')),
    pss: mib(kb('Pss')),
    uss: mib(kb('Private_Clean') + kb('Private_Dirty')),
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Fisher–Yates on a copy; used to randomise which case goes first in each round. */
export function shuffled(items) {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export const fmt = (v, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

/** A plain fixed-width text table. */
export function table(header, rows) {
  const cells = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** The results without raw samples, for printing (the full document keeps them). */
export function withoutSamples(results) {
  return JSON.parse(JSON.stringify(results, (k, v) => (k === 'samples' ? undefined : v)));
}
