/**
 * Live resources: one row per extension with its latest sample, the reason of its last kill or
 * quarantine, Kill/Restart; and CPU and memory charts over the last minutes.
 */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ExtensionSummary, MetricSampleData } from '../../../../electron/common/bridge/schemas';
import { Ellipsis } from '../../components/Ellipsis';
import { formatBytes, formatBytesShort, formatMb, formatTime } from '../../lib/format';
import { useAppStore } from '../../stores/app-store';
import { HISTORY_MS } from '../../stores/resources-slice';
import { MetricChart, SERIES_COLORS } from './MetricChart';

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
  const busy = useAppStore((s) => s.busy[id] !== undefined);
  const state = ext?.state ?? sample?.state ?? 'unknown';
  const reason = lastKillReason(ext);
  const live = state === 'running' || state === 'starting';
  const n = (v: number | undefined, f: (x: number) => string) => (v === undefined ? '—' : f(v));
  return (
    <>
      <tr data-testid={`resource-row-${id}`} data-state={state} className={reason ? 'has-reason' : undefined}>
        <th scope="row">
          <Ellipsis text={ext?.name ?? id} />
        </th>
        <td>
          <span className={`badge state-${state}`}>{state}</span>
        </td>
        <td className="num" data-testid="resource-cpu">
          {n(sample?.cpuPercent, (v) => v.toFixed(1))}
        </td>
        <td className="num" data-testid="resource-mem">
          {n(sample?.rssBytes, formatMb)}
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
          <button
            type="button"
            className="danger-outline"
            disabled={busy || !live}
            data-testid={`resource-kill-${id}`}
            onClick={() => void stop(id)}
          >
            Kill
          </button>
          <button
            type="button"
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

export function ResourcesView() {
  const extensions = useAppStore((s) => s.extensions);
  const history = useAppStore((s) => s.history);
  const theme = useAppStore((s) => s.theme);
  const ids = useAppStore(
    useShallow((s) => {
      const known = s.extensions.map((e) => e.id);
      return [...known, ...Object.keys(s.history).filter((id) => !known.includes(id))];
    }),
  );
  const charted = useMemo(() => ids.filter((id) => (history[id]?.length ?? 0) > 0), [ids, history]);
  const byId = useMemo(() => new Map(extensions.map((e) => [e.id, e])), [extensions]);
  const names = useMemo(() => Object.fromEntries(ids.map((id) => [id, byId.get(id)?.name ?? id])), [ids, byId]);

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
              <th scope="col">Extension</th>
              <th scope="col">State</th>
              <th scope="col" className="num" title="CPU use, percent of one core">
                CPU %
              </th>
              <th
                scope="col"
                className="num"
                title="Resident memory (RSS), megabytes. The limit (memoryMb) counts what the extension adds above its process's size at start"
              >
                Mem MB
              </th>
              <th scope="col" className="num" title="Calls per second">
                Calls/s
              </th>
              <th
                scope="col"
                className="num"
                title="Bytes read and written: files, private files, storage and secrets / network (sent and received)"
              >
                I/O fs / net
              </th>
              <th scope="col" className="num" title="Permission denials">
                Denials
              </th>
              <th
                scope="col"
                className="num"
                title="Strikes (kills, batches of violations) in the last 10 minutes, kept across restarts; 3 quarantine the extension"
              >
                Strikes
              </th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {ids.map((id) => (
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
        />
      </div>
    </div>
  );
}
