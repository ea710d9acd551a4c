/** Toasts for action outcomes; errors stay longer than successes. */
import { useEffect } from 'react';
import { useAppStore } from '../stores/app-store';
import type { Notice } from '../stores/ui-slice';

const LIFETIME_MS = { info: 5000, success: 4000, error: 12000 } as const;

function NoticeItem({ notice }: { notice: Notice }) {
  const dismiss = useAppStore((s) => s.dismissNotice);
  useEffect(() => {
    const t = setTimeout(() => dismiss(notice.id), LIFETIME_MS[notice.level]);
    return () => clearTimeout(t);
  }, [notice.id, notice.level, dismiss]);
  return (
    <div
      className={`notice notice-${notice.level}`}
      role={notice.level === 'error' ? 'alert' : 'status'}
      data-testid="notice"
    >
      <span className="notice-text">{notice.text}</span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(notice.id)}>
        ×
      </button>
    </div>
  );
}

export function Notices() {
  const notices = useAppStore((s) => s.notices);
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <NoticeItem key={n.id} notice={n} />
      ))}
    </div>
  );
}
