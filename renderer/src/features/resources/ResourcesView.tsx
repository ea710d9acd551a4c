/**
 * Live resources: one row per extension with its latest sample against its limits (CPU budget,
 * memory limit), whether it is throttled, the reason of its last kill or quarantine, Kill/Restart
 * (Release when quarantined), sortable by any column; and CPU and memory charts over the last
 * minutes with the limits drawn as labelled lines and kills marked.
 */
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ExtensionSummary, MetricSampleData } from '../../../../electron/common/bridge/schemas';
import { Ellipsis } from '../../components/Ellipsis';
import { formatBytes, formatBytesShort, formatMb, formatTime } from '../../lib/format';
import { sortRows, type Cell, type SortDir } from '../../lib/sort-rows';
import { useAppStore } from '../../stores/app-store';
import { HISTORY_MS } from '../../stores/resources-slice';
import { MetricChart, SERIES_COLORS, type ChartLimit, type ChartMark } from './MetricChart';

const pickCpu = (s: MetricSampleData) => s.cpuPercent;
const pickMem = (s: MetricSampleData) => s.rssBytes / (1024 * 1024);
const fmtCpu = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)}%`;
const fmtMem = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} MB`;

/** The reason an extension was last stopped against its will, if any. */
export function lastKillReason(e: ExtensionSummary | undefined): string | undefined {
  if (!e) return undefined;
  if (e.quarantine) return `${formatTime(e.quarantine.since)}: ${e.quarantine.reason}`;
  if (e.lastExit && !e.lastExit.expected) return `${formatTime(e.lastExit.at)}: ${e.lastExit.reason}`;
  return undefined;
}

function ResourceRow({
  id,
  ext,
  sample,
}: {
  id: string;
  ext: ExtensionSummary | undefined;
  sample: MetricSampleData | undefined;
}) {
  const stop = useAppStore((s) => s.stop);
  const restart = useAppStore((s) => s.restart);
  const release = useAppStore((s) => s.release);
  const busy = useAppStore((s) => s.busy[id] !== undefined);
  const state = ext?.state ?? sample?.state ?? 'unknown';
  const reason = lastKillReason(ext);
  const live = state === 'running' || state === 'starting';
  const n = (v: number | undefined, f: (x: number) => string) => (v === undefined ? '—' : f(v));
  const throttled = sample?.throttled === true && live;
  const name = ext?.name ?? id;
  const memLimit = sample?.memoryLimitBytes;
  return (
    <>
      <tr data-testid={`resource-row-${id}`} data-state={state} className={reason ? 'has-reason' : undefined}>
        <th scope="row">
          <Ellipsis text={ext?.name ?? id} />
        </th>
        <td>
          <span className={`badge state-${state}`}>{state}</span>
          {throttled && (
            <span
              className="badge tone-warn throttled"
              data-testid={`resource-throttled-${id}`}
              title={`Held to its CPU budget of ${ext?.limits?.cpuPercent ?? '?'}% (paused part of each tenth of a second)`}
            >
              throttled
            </span>
          )}
        </td>
        <td
          className="num"
          data-testid="resource-cpu"
          title={ext?.limits ? `CPU budget ${ext.limits.cpuPercent}% of one core` : undefined}
        >
          {n(sample?.cpuPercent, (v) => v.toFixed(1))}
          {ext?.limits && <span className="limit-of"> / {ext.limits.cpuPercent}</span>}
        </td>
        <td
          className="num"
          data-testid="resource-mem"
          title={
            memLimit
              ? `Killed above ${formatMb(memLimit)} MB resident: its start size plus its ${ext?.limits?.memoryMb ?? '?'} MB limit`
              : undefined
          }
        >
          {n(sample?.rssBytes, formatMb)}
          {memLimit !== undefined && <span className="limit-of"> / {Math.round(memLimit / (1024 * 1024))}</span>}
        </td>
        <td className="num">{n(sample?.callsPerSecond, (v) => v.toFixed(v < 10 ? 1 : 0))}</td>
        <td
          className="num nowrap"
          title={sample ? `files ${formatBytes(sample.fsBytes)}, network ${formatBytes(sample.netBytes)}` : undefined}
        >
          {sample ? `${formatBytesShort(sample.fsBytes)} / ${formatBytesShort(sample.netBytes)}` : '—'}
        </td>
        <td className="num">{n(sample?.denials, String)}</td>
        <td className="num">{ext?.strikes ?? sample?.strikes ?? '—'}</td>
        <td className="row-actions">
          {ext?.quarantine && (
            <button
              type="button"
              disabled={busy}
              data-testid={`resource-release-${id}`}
              aria-label={`Release ${name}`}
              onClick={() => void release(id)}
            >
              Release
            </button>
          )}
          <button
            type="button"
            aria-label={`Kill ${name}`}
            className="danger-outline"
            disabled={busy || !live}
            data-testid={`resource-kill-${id}`}
            onClick={() => void stop(id)}
          >
            Kill
          </button>
          <button
            type="button"
            aria-label={`Restart ${name}`}
            disabled={busy || !ext?.enabled}
            data-testid={`resource-restart-${id}`}
            onClick={() => void restart(id)}
          >
            Restart
          </button>
        </td>
      </tr>
      {reason && (
        <tr className="reason-row">
          <td colSpan={9} data-testid={`resource-reason-${id}`}>
            <Ellipsis text={reason} className={ext?.quarantine ? 'bad' : 'warn'}>
              {ext?.quarantine ? 'Quarantined' : 'Last kill'} {reason}
            </Ellipsis>
          </td>
        </tr>
      )}
    </>
  );
}

const MB = 1024 * 1024;

/** The sortable columns: header text, its tooltip, and the cell value a row sorts by. */
interface Column {
  key: string;
  label: string;
  title?: string;
  num?: boolean;
  value(id: string, ext: ExtensionSummary | undefined, s: MetricSampleData | undefined): Cell;
}

const COLUMNS: Column[] = [
  { key: 'name', label: 'Extension', value: (id, e) => e?.name ?? id },
  { key: 'state', label: 'State', value: (_id, e, s) => e?.state ?? s?.state ?? null },
  {
    key: 'cpu',
    label: 'CPU %',
    num: true,
    title: 'CPU use, percent of one core / its budget',
    value: (_id, _e, s) => s?.cpuPercent ?? null,
  },
  {
    key: 'mem',
    label: 'Mem MB',
    num: true,
    title: 'Resident memory (RSS), megabytes / where it is killed: its size at start plus its memory limit (memoryMb)',
    value: (_id, _e, s) => s?.rssBytes ?? null,
  },
  {
    key: 'calls',
    label: 'Calls/s',
    num: true,
    title: 'Calls per second',
    value: (_id, _e, s) => s?.callsPerSecond ?? null,
  },
  {
    key: 'io',
    label: 'I/O fs / net',
    num: true,
    title: 'Bytes read and written: files, private files, storage and secrets / network (sent and received)',
    value: (_id, _e, s) => (s ? s.fsBytes + s.netBytes : null),
  },
  {
    key: 'denials',
    label: 'Denials',
    num: true,
    title: 'Permission denials',
    value: (_id, _e, s) => s?.denials ?? null,
  },
  {
    key: 'strikes',
    label: 'Strikes',
    num: true,
    title:
      'Strikes (kills, batches of violations) in the last 10 minutes, kept across restarts; 3 quarantine the extension',
    value: (_id, e, s) => e?.strikes ?? s?.strikes ?? null,
  },
];

/** Limit lines for a chart: one line per distinct limit; named per extension only when they differ. */
function limitLines(
  ids: string[],
  names: Record<string, string>,
  limitOf: (id: string) => number | undefined,
  label: (v: number) => string,
): ChartLimit[] {
  const byValue = new Map<number, number[]>();
  ids.forEach((id, i) => {
    const v = limitOf(id);
    if (v !== undefined) byValue.set(v, [...(byValue.get(v) ?? []), i]);
  });
  const shared = byValue.size === 1 && [...byValue.values()][0]!.length === ids.length;
  return [...byValue].map(([value, idx]) => ({
    value,
    label: shared || idx.length > 1 ? label(value) : `${names[ids[idx[0]!]!]}: ${label(value)}`,
    ...(shared || idx.length > 1 ? {} : { color: SERIES_COLORS[idx[0]! % SERIES_COLORS.length] }),
  }));
}

export function ResourcesView() {
  const extensions = useAppStore((s) => s.extensions);
  const history = useAppStore((s) => s.history);
  const theme = useAppStore((s) => s.theme);
  const [sort, setSort] = useState<{ col: number; dir: SortDir } | null>(null);
  const ids = useAppStore(
    useShallow((s) => {
      const known = s.extensions.map((e) => e.id);
      return [...known, ...Object.keys(s.history).filter((id) => !known.includes(id))];
    }),
  );
  const charted = useMemo(() => ids.filter((id) => (history[id]?.length ?? 0) > 0), [ids, history]);
  const byId = useMemo(() => new Map(extensions.map((e) => [e.id, e])), [extensions]);
  const names = useMemo(() => Object.fromEntries(ids.map((id) => [id, byId.get(id)?.name ?? id])), [ids, byId]);
  const sorted = useMemo(() => {
    if (!sort) return ids;
    const col = COLUMNS[sort.col]!;
    const rows = ids.map((id) => [col.value(id, byId.get(id), history[id]?.at(-1)), id] as const);
    return sortRows(rows, 0, sort.dir).map((r) => r[1]);
  }, [ids, sort, byId, history]);

  const cpuLimits = useMemo(
    () =>
      limitLines(
        charted,
        names,
        (id) => byId.get(id)?.limits?.cpuPercent,
        (v) => `budget ${v}%`,
      ),
    [charted, names, byId],
  );
  const memLimits = useMemo(
    () =>
      limitLines(
        charted,
        names,
        (id) => {
          const b = history[id]?.at(-1)?.memoryLimitBytes;
          return b === undefined ? undefined : Math.round(b / MB);
        },
        (v) => `limit ${v} MB`,
      ),
    [charted, names, history],
  );
  const from = Math.max(...charted.map((id) => history[id]?.[0]?.time ?? Infinity));
  const kills: ChartMark[] = useMemo(
    () =>
      extensions
        .flatMap((e) => (e.recentStrikes ?? []).map((k) => ({ time: k.at, label: `${e.name}: ${k.reason}` })))
        .filter((m) => !Number.isFinite(from) || m.time >= from - 1000)
        .sort((a, b) => a.time - b.time),
    [extensions, from],
  );

  const sortBy = (col: number) =>
    setSort((cur) =>
      cur?.col === col
        ? { col, dir: cur.dir === 'asc' ? 'desc' : 'asc' }
        : { col, dir: COLUMNS[col]!.num ? 'desc' : 'asc' },
    );

  return (
    <div className="view resources-view">
      <div className="view-header">
        <h1>Resources</h1>
        <span className="muted">
          Sampled every second; charts show the last {Math.round(HISTORY_MS / 60_000)} minutes.
        </span>
      </div>
      <div className="table-scroll card">
        <table className="data-table resources-table" data-testid="resources-table">
          <thead>
            <tr>
              {COLUMNS.map((c, i) => (
                <th
                  key={c.key}
                  scope="col"
                  className={c.num ? 'num' : undefined}
                  title={c.title}
                  aria-sort={sort?.col === i ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                >
                  <button
                    type="button"
                    className="sort-button"
                    data-testid={`resources-sort-${c.key}`}
                    onClick={() => sortBy(i)}
                  >
                    {c.label}
                    <span aria-hidden="true" className="sort-arrow">
                      {sort?.col === i ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                    </span>
                  </button>
                </th>
              ))}
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((id) => (
              <ResourceRow key={id} id={id} ext={byId.get(id)} sample={history[id]?.at(-1)} />
            ))}
          </tbody>
        </table>
        {ids.length === 0 && <p className="empty muted">No extensions installed.</p>}
      </div>
      {charted.length > 0 && (
        <ul className="chart-legend" data-testid="chart-legend">
          {charted.map((id, i) => (
            <li key={id} title={names[id]}>
              <span
                className="swatch"
                style={{ background: SERIES_COLORS[i % SERIES_COLORS.length] }}
                aria-hidden="true"
              />
              <span className="ellipsis">{names[id]}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="charts">
        <MetricChart
          testId="chart-cpu"
          title="CPU %"
          history={history}
          ids={charted}
          names={names}
          pick={pickCpu}
          format={fmtCpu}
          minTop={10}
          theme={theme}
          limits={cpuLimits}
          marks={kills}
        />
        <MetricChart
          testId="chart-memory"
          title="Memory (RSS)"
          history={history}
          ids={charted}
          names={names}
          pick={pickMem}
          format={fmtMem}
          minTop={32}
          theme={theme}
          limits={memLimits}
          marks={kills}
        />
      </div>
    </div>
  );
}
