/**
 * The incident around one finding: what the extension did in the minutes before and after it
 * (which command, which version, which destinations and paths, how many bytes), exportable as
 * Markdown and JSON for a report — the same export as `warden anomalies incident`.
 */
import { useEffect, useRef } from 'react';
import type { IncidentData } from '../../../../electron/common/bridge/schemas';
import { downloadText } from '../../lib/download';
import { formatBytes, formatFullDateTime, formatTime } from '../../lib/format';
import { useAppStore } from '../../stores/app-store';
import { responseText, ruleText, severityTone } from './finding-text';

const fileBase = (i: IncidentData) =>
  `incident-${i.finding.ext}-${i.finding.version}-${i.finding.id}`.replace(/[^\w.-]+/g, '_');

/** The JSON export: the incident as the core builds it (no Markdown copy inside). */
export function incidentJson(i: IncidentData): string {
  const { markdown: _markdown, ...data } = i;
  return `${JSON.stringify(data, null, 2)}\n`;
}

function UsageTable({
  caption,
  rows,
}: {
  caption: string;
  rows: Array<{ name: string; calls: number; bytes: number }>;
}) {
  if (rows.length === 0) return <p className="muted">{caption}: none.</p>;
  return (
    <table className="data-table incident-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{caption === 'Destinations' ? 'Host' : 'Path'}</th>
          <th scope="col" className="num">
            Calls
          </th>
          <th scope="col" className="num">
            Bytes
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name}>
            <td className="mono wrap-anywhere">{r.name}</td>
            <td className="num">{r.calls}</td>
            <td className="num nowrap">{formatBytes(r.bytes)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function IncidentView({ incident }: { incident: IncidentData }) {
  const close = useAppStore((s) => s.closeIncident);
  const accept = useAppStore((s) => s.acceptFinding);
  const busy = useAppStore((s) => s.busy[`finding:${incident.finding.id}`] !== undefined);
  const name = useAppStore(
    (s) => s.extensions.find((e) => e.id === incident.finding.ext)?.name ?? incident.finding.ext,
  );
  const heading = useRef<HTMLHeadingElement>(null);
  const f = incident.finding;
  const s = incident.summary;

  // Focus moves to the incident when it opens, so a keyboard user lands on what they asked for.
  useEffect(() => heading.current?.focus(), [f.id]);

  return (
    <section className="card incident" data-testid="incident" aria-labelledby="incident-title">
      <div className="incident-head">
        <h2 id="incident-title" ref={heading} tabIndex={-1}>
          Incident: {name} {f.version}
        </h2>
        <div className="row-actions">
          <button
            type="button"
            data-testid="incident-export-md"
            onClick={() => downloadText(`${fileBase(incident)}.md`, incident.markdown, 'text/markdown')}
          >
            Export Markdown
          </button>
          <button
            type="button"
            data-testid="incident-export-json"
            onClick={() => downloadText(`${fileBase(incident)}.json`, incidentJson(incident), 'application/json')}
          >
            Export JSON
          </button>
          {f.state === 'open' && (
            <button
              type="button"
              disabled={busy}
              data-testid="incident-accept"
              aria-label={`This is expected of ${name}`}
              onClick={() => void accept(f.id)}
            >
              This is expected
            </button>
          )}
          <button type="button" data-testid="incident-close" onClick={close}>
            Close
          </button>
        </div>
      </div>
      <p className="incident-why">{f.why}</p>
      <dl className="incident-facts">
        <dt>Rule</dt>
        <dd>
          {ruleText(f.rule)} · <span className={`badge ${severityTone(f)}`}>{f.severity}</span> ·{' '}
          {responseText(f.response)}
          {f.rollbackTo ? ` · rolled back to ${f.rollbackTo}` : ''}
          {f.state === 'accepted' ? ' · marked expected' : ''}
        </dd>
        <dt>When</dt>
        <dd>
          {formatFullDateTime(f.t)}
          {f.afterUpdate ? ` · ${f.hoursSinceUpdate ?? 0} h after an update` : ''}
        </dd>
        <dt>Window</dt>
        <dd>
          {formatFullDateTime(incident.from)} → {formatTime(incident.to)}
        </dd>
        <dt>Versions</dt>
        <dd data-testid="incident-versions">{s.versions.join(', ')}</dd>
        <dt>Commands run</dt>
        <dd data-testid="incident-commands">{s.commands.join(', ') || 'none'}</dd>
        <dt>Bytes moved</dt>
        <dd>
          {formatBytes(s.totalBytes)} · denied {s.denied}
        </dd>
      </dl>
      <div className="incident-usage">
        <UsageTable caption="Destinations" rows={s.destinations.map((d) => ({ name: d.host, ...d }))} />
        <UsageTable caption="Paths" rows={s.paths.map((p) => ({ name: p.path, ...p }))} />
      </div>
      <h3>Timeline</h3>
      {incident.timeline.length === 0 ? (
        <p className="muted">Nothing recorded in this window.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table incident-timeline" data-testid="incident-timeline">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Kind</th>
                <th scope="col">What</th>
                <th scope="col">Decision</th>
                <th scope="col" className="num">
                  Bytes
                </th>
              </tr>
            </thead>
            <tbody>
              {incident.timeline.map((r, i) => (
                <tr
                  key={`${r.time}-${i}`}
                  data-kind={r.kind}
                  className={
                    r.time >= f.t && i > 0 && incident.timeline[i - 1]!.time < f.t ? 'incident-onset' : undefined
                  }
                >
                  <td className="mono nowrap">{formatTime(r.time)}</td>
                  <td>
                    <span className={`badge kind-${r.kind}`}>{r.kind}</span>
                  </td>
                  <td className="mono wrap-anywhere">
                    {[r.kind === 'command' ? 'ran' : (r.method ?? r.capability), r.target].filter(Boolean).join(' ')}
                    {r.version ? ` (${r.version})` : ''}
                  </td>
                  <td>{r.decision ?? '—'}</td>
                  <td className="num nowrap">{r.bytes === undefined ? '' : formatBytes(r.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
