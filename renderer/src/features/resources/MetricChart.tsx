/**
 * A live time-series chart of one metric for every extension.
 *
 * Library: uPlot. It draws to a canvas, is about 50 KB, and is built for exactly this: many
 * series updated every second (`setData` re-draws without re-creating anything). It needs no
 * `eval` and sets styles only through the CSSOM, so the strict CSP holds. Chart.js would also
 * work but is four times the size and its animation and per-update diffing fight a 1 Hz stream.
 */
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricSampleData } from '../../../../electron/common/bridge/schemas';
import { formatTime } from '../../lib/format';
import { alignSeries } from '../../lib/series';
import type { Theme } from '../../stores/ui-slice';

export const SERIES_COLORS = ['#2f7fe0', '#e0553a', '#2fa36b', '#b35fd6', '#d69b16', '#1aa5b8', '#d6488f', '#7a8a99'];

/** A horizontal limit drawn across the chart (a CPU budget, a memory kill line), in chart units. */
export interface ChartLimit {
  value: number;
  /** "budget 50%", "limit 190 MB" (prefixed with the extension's name when limits differ). */
  label: string;
  /** The series colour when the line belongs to one extension; the muted colour when shared. */
  color?: string;
}

/** A moment marked on the chart: a kill or a strike. */
export interface ChartMark {
  time: number;
  label: string;
}

export interface MetricChartProps {
  testId: string;
  title: string;
  history: Record<string, MetricSampleData[]>;
  ids: string[];
  names: Record<string, string>;
  pick: (s: MetricSampleData) => number;
  /** Formats a y value for the axis and the legend. */
  format: (v: number) => string;
  /** The y axis always reaches at least this high (so an idle chart is not all noise). */
  minTop: number;
  theme: Theme;
  limits?: ChartLimit[];
  marks?: ChartMark[];
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

let canvasOk: boolean | undefined;
/** Whether this DOM can draw on a canvas (a test DOM cannot; the table still has every number). */
function canDraw(): boolean {
  if (canvasOk === undefined) {
    try {
      canvasOk = document.createElement('canvas').getContext('2d') !== null;
    } catch {
      canvasOk = false;
    }
  }
  return canvasOk;
}

const HEIGHT = 170;

/** Draws the limit lines (dashed, labelled at the right) and the kill marks (red, labelled at the top). */
function drawOverlays(u: uPlot, limits: readonly ChartLimit[], marks: readonly ChartMark[]): void {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  const px = devicePixelRatio || 1;
  ctx.save();
  ctx.font = `${11 * px}px system-ui, sans-serif`;
  ctx.lineWidth = px;
  for (const l of limits) {
    const y = u.valToPos(l.value, 'y', true);
    if (!Number.isFinite(y) || y < top || y > top + height) continue;
    ctx.strokeStyle = l.color ?? cssVar('--muted', '#667');
    ctx.setLineDash([6 * px, 4 * px]);
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + width, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = cssVar('--text', '#222');
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.fillText(l.label, left + width - 4 * px, y - 2 * px);
  }
  const bad = cssVar('--bad', '#bd3324');
  for (const m of marks) {
    const x = u.valToPos(m.time / 1000, 'x', true);
    if (!Number.isFinite(x) || x < left || x > left + width) continue;
    ctx.strokeStyle = bad;
    ctx.setLineDash([3 * px, 3 * px]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = bad;
    ctx.textAlign = x > left + width - 60 * px ? 'right' : 'left';
    ctx.textBaseline = 'top';
    ctx.fillText('✕ killed', x + (ctx.textAlign === 'right' ? -3 : 3) * px, top + 2 * px);
  }
  ctx.restore();
}

export function MetricChart({
  testId,
  title,
  history,
  ids,
  names,
  pick,
  format,
  minTop,
  theme,
  limits = [],
  marks = [],
}: MetricChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // Read by the draw hook at each redraw, so new limits or marks need no new chart.
  const overlays = useRef({ limits, marks, limitTop: 0 });
  const limitTop = limits.reduce((m, l) => Math.max(m, l.value), 0);
  const drawable = canDraw();
  const data = useMemo(() => alignSeries(history, pick, ids), [history, pick, ids]);
  const seriesKey = ids.map((id) => `${id}\u0000${names[id] ?? id}`).join('\u0001');

  // (Re)create the chart when the set of series or the theme changes; data arrives just below.
  useEffect(() => {
    const el = holder.current;
    if (!el || !drawable) return;
    const axis = {
      stroke: cssVar('--muted', '#667'),
      grid: { stroke: cssVar('--grid', '#8884'), width: 1 },
      ticks: { show: false },
    };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      scales: {
        x: { time: true },
        // The highest limit stays in view with some room above it, so its line and label show.
        y: {
          range: (_u, _min, max) => [0, Math.max(minTop, max * 1.15, overlays.current.limitTop * 1.12)],
        },
      },
      axes: [
        { ...axis, space: 70, values: (_u, splits) => splits.map((v) => formatTime(v * 1000)) },
        { ...axis, size: 56, values: (_u, splits) => splits.map((v) => format(v)) },
      ],
      series: [
        {},
        ...ids.map((id, i) => ({
          label: names[id] ?? id,
          stroke: SERIES_COLORS[i % SERIES_COLORS.length]!,
          width: 1.5,
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)),
        })),
      ],
      // One legend for both charts is drawn by the view (uPlot's own takes too much room).
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      hooks: { draw: [(u) => drawOverlays(u, overlays.current.limits, overlays.current.marks)] },
    };
    const empty = [[], ...ids.map(() => [])] as unknown as uPlot.AlignedData;
    const u = new uPlot(opts, empty, el);
    plot.current = u;
    const ro =
      typeof ResizeObserver === 'function'
        ? new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }))
        : null;
    ro?.observe(el);
    return () => {
      ro?.disconnect();
      u.destroy();
      plot.current = null;
    };
    // seriesKey stands for ids + names; format and minTop are fixed per chart.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [seriesKey, theme, drawable]);

  const overlayKey = `${limits.map((l) => `${l.value}:${l.label}`).join()}|${marks.map((m) => m.time).join()}`;
  useEffect(() => {
    overlays.current = { limits, marks, limitTop };
    plot.current?.setData([data.x, ...data.ys] as uPlot.AlignedData);
    // overlayKey stands for limits, marks and limitTop.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, seriesKey, theme, overlayKey]);

  return (
    <figure className="chart card" data-testid={testId} data-points={data.x.length}>
      <figcaption>{title}</figcaption>
      <div ref={holder} className="chart-canvas" />
      {(limits.length > 0 || marks.length > 0) && (
        <ul className="chart-notes" data-testid={`${testId}-notes`}>
          {limits.map((l) => (
            <li key={`l-${l.label}`} data-kind="limit">
              <span className="limit-swatch" style={{ borderColor: l.color ?? 'var(--muted)' }} aria-hidden="true" />
              {l.label}
            </li>
          ))}
          {marks.map((m, i) => (
            <li key={`m-${m.time}-${i}`} data-kind="kill" className="bad">
              <span aria-hidden="true">✕ </span>
              {formatTime(m.time)} {m.label}
            </li>
          ))}
        </ul>
      )}
      {!drawable && <p className="muted">Chart unavailable here.</p>}
      {drawable && data.x.length === 0 && <p className="muted chart-empty">Waiting for samples…</p>}
    </figure>
  );
}
