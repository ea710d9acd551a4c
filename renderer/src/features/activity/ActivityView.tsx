/**
 * The audit log: filter by extension, capability and decision; new records appear at the bottom
 * and, while "Follow" is on, stay in view.
 */
import { useEffect, useRef } from 'react';
import type { AuditRecordData } from '../../../../electron/common/bridge/schemas';
import { CAPABILITIES } from '../../../../electron/common/protocol';
import { Ellipsis } from '../../components/Ellipsis';
import { formatTime } from '../../lib/format';
import { useAppStore } from '../../stores/app-store';

function what(r: AuditRecordData): string {
  return [r.method, r.capability, r.target].filter(Boolean).join(' ');
}

function RecordRow({ r }: { r: AuditRecordData }) {
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
      <td className="mono muted nowrap">{formatTime(r.time)}</td>
      <td>
        <Ellipsis text={r.ext} className="mono" />
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
      <td>
        <Ellipsis text={what(r)} className="mono" />
      </td>
      <td>
        <Ellipsis text={detail} className="muted" />
      </td>
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
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = scroller.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [records, follow]);

  return (
    <div className="view activity-view">
      <div className="view-header">
        <h1>Activity</h1>
        <div className="filters">
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
            {records.map((r, i) => (
              <RecordRow key={`${r.time}-${i}`} r={r} />
            ))}
          </tbody>
        </table>
        {records.length === 0 && (
          <p className="empty muted">Nothing recorded{Object.keys(filter).length ? ' for this filter' : ''}.</p>
        )}
      </div>
    </div>
  );
}
