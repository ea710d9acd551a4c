/**
 * The in-app confirm dialog (uninstall, opening a link). Host chrome, focus trapped, Esc and the
 * default focus both mean "cancel".
 */
import { useEffect, useRef } from 'react';
import { useAppStore } from '../stores/app-store';
import { useFocusTrap } from './use-focus-trap';

export function ConfirmDialog() {
  const confirm = useAppStore((s) => s.confirm);
  const answer = useAppStore((s) => s.answerConfirm);
  // A permission prompt goes over everything, this dialog included.
  const covered = useAppStore((s) => s.prompts.length > 0);
  const ref = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useFocusTrap(ref, confirm !== null && !covered);
  useEffect(() => {
    if (confirm && !covered) cancelRef.current?.focus();
  }, [confirm, covered]);
  if (!confirm) return null;
  return (
    <div className="backdrop" inert={covered}>
      <div
        ref={ref}
        className="dialog host-chrome"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-message"
        data-testid="confirm-dialog"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            answer(false);
          }
        }}
      >
        <header className="dialog-header">
          <span className="host-mark" aria-hidden="true">
            ◆
          </span>
          Warden
        </header>
        <div className="dialog-body">
          <h2 id="confirm-title">{confirm.title}</h2>
          <p id="confirm-message">{confirm.message}</p>
          {confirm.detail !== undefined && (
            <p className="mono break-anywhere detail-box" data-testid="confirm-detail">
              {confirm.detail}
            </p>
          )}
        </div>
        <footer className="dialog-actions">
          <button ref={cancelRef} type="button" data-testid="confirm-cancel" onClick={() => answer(false)}>
            Cancel
          </button>
          <button
            type="button"
            className={confirm.danger ? 'danger' : 'primary'}
            data-testid="confirm-ok"
            onClick={() => answer(true)}
          >
            {confirm.confirmLabel}
          </button>
        </footer>
      </div>
    </div>
  );
}
