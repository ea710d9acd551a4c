/**
 * The audit log: filter by extension, capability and decision (on the host), search by words (in
 * the panel); extensions by name, dates relative today; the commands the user ran are records
 * too. New records appear at the bottom and, while "Follow" is on, stay in view. Long targets
 * wrap, so the log never scrolls sideways.
 */
import { useEffect, useMemo, useRef } from 'react';
import type { AuditRecordData } from '../../../../electron/common/bridge/schemas';
import { CAPABILITIES } from '../../../../electron/common/protocol';
import { formatFullDateTime, formatWhen } from '../../lib/format';
import { matchesSearch, searchWords } from '../../stores/activity-slice';
import { useAppStore } from '../../stores/app-store';
import { useNow } from '../prompts/use-now';

function what(r: AuditRecordData): string {
  if (r.kind === 'command') return `ran ${r.target ?? '?'}${r.version ? ` (${r.version})` : ''}`;
  return [r.method, r.capability, r.target].filter(Boolean).join(' ');
}

function RecordRow({ r, name, now }: { r: AuditRecordData; name: string; now: number }) {
  const detail = [
    r.reason,
    r.via && `via ${r.via}`,
    r.detail,
    r.bytes !== undefined && `${r.bytes} B`,
    r.durationMs !== undefined && `${r.durationMs} ms`,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <tr data-testid="activity-row" data-kind={r.kind} data-decision={r.decision ?? ''} data-ext={r.ext}>
      <td className="muted nowrap" title={formatFullDateTime(r.time)}>
        {formatWhen(r.time, now)}
      </td>
      <td className="wrap-anywhere" title={r.ext}>
        {name}
      </td>
      <td>
        <span className={`badge kind-${r.kind}`}>{r.kind}</span>
      </td>
      <td>
        {r.decision ? (
          <span className={`badge ${r.decision === 'allow' ? 'tone-good' : 'tone-bad'}`}>{r.decision}</span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="mono wrap-anywhere">
        <span title={what(r)}>{what(r)}</span>
      </td>
      <td className="muted wrap-anywhere">{detail}</td>
    </tr>
  );
}

export function ActivityView() {
  const records = useAppStore((s) => s.records);
  const filter = useAppStore((s) => s.activityFilter);
  const setFilter = useAppStore((s) => s.setActivityFilter);
  const follow = useAppStore((s) => s.follow);
  const setFollow = useAppStore((s) => s.setFollow);
  const extensions = useAppStore((s) => s.extensions);
  const error = useAppStore((s) => s.activityError);
  const search = useAppStore((s) => s.activitySearch);
  const setSearch = useAppStore((s) => s.setActivitySearch);
  const scroller = useRef<HTMLDivElement>(null);
  const now = useNow(30_000);
  const names = useMemo(() => new Map(extensions.map((x) => [x.id, x.name])), [extensions]);
  const shown = useMemo(() => {
    const words = searchWords(search);
    return words.length === 0 ? records : records.filter((r) => matchesSearch(r, words, names.get(r.ext) ?? r.ext));
  }, [records, search, names]);

  useEffect(() => {
    const el = scroller.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [records, follow]);

  return (
    <div className="view activity-view">
      <div className="view-header">
        <h1>Activity</h1>
        <div className="filters">
          <input
            type="search"
            aria-label="Search the activity"
            placeholder="Search…"
            value={search}
            data-testid="activity-search"
            onChange={(e) => setSearch(e.target.value)}
          />
          <select
            aria-label="Extension"
            value={filter.extensionId ?? ''}
            data-testid="activity-filter-extension"
            onChange={(e) => void setFilter({ extensionId: e.target.value || undefined })}
          >
            <option value="">All extensions</option>
            {extensions.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
          <select
            aria-label="Capability"
            value={filter.capability ?? ''}
            data-testid="activity-filter-capability"
            onChange={(e) => void setFilter({ capability: e.target.value || undefined })}
          >
            <option value="">All capabilities</option>
            {CAPABILITIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
          <select
            aria-label="Decision"
            value={filter.decision ?? ''}
            data-testid="activity-filter-decision"
            onChange={(e) =>
              void setFilter({ decision: (e.target.value || undefined) as 'allow' | 'deny' | undefined })
            }
          >
            <option value="">Any decision</option>
            <option value="allow">allowed</option>
            <option value="deny">denied</option>
          </select>
          <label className="toggle">
            <input
              type="checkbox"
              checked={follow}
              data-testid="activity-follow"
              onChange={(e) => setFollow(e.target.checked)}
            />
            Follow
          </label>
        </div>
      </div>
      {error && <p className="reason bad">Could not load the activity log: {error}</p>}
      <div
        ref={scroller}
        className="table-scroll card activity-scroll"
        data-testid="activity-list"
        onScroll={(e) => {
          // Scrolling up to read stops following; ticking Follow again resumes it.
          const el = e.currentTarget;
          if (follow && el.scrollHeight - el.scrollTop - el.clientHeight > 24) setFollow(false);
        }}
      >
        <table className="data-table activity-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Extension</th>
              <th scope="col">Kind</th>
              <th scope="col">Decision</th>
              <th scope="col">What</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r, i) => (
              <RecordRow key={`${r.time}-${i}`} r={r} name={names.get(r.ext) ?? r.ext} now={now} />
            ))}
          </tbody>
        </table>
        {shown.length === 0 && (
          <p className="empty muted" data-testid="activity-empty">
            {records.length > 0
              ? 'Nothing matches this search.'
              : `Nothing recorded${Object.keys(filter).length ? ' for this filter' : ''}.`}
          </p>
        )}
      </div>
    </div>
  );
}
