/** The in-app confirm dialog (uninstall, opening a link), in the shared host frame (HostDialog). */
import { useAppStore } from '../stores/app-store';
import { HostDialog } from './HostDialog';

export function ConfirmDialog() {
  const confirm = useAppStore((s) => s.confirm);
  const answer = useAppStore((s) => s.answerConfirm);
  if (!confirm) return null;
  return (
    <HostDialog
      title="Warden"
      labelledBy="confirm-title"
      describedBy="confirm-message"
      testid="confirm-dialog"
      confirmLabel={confirm.confirmLabel}
      danger={confirm.danger}
      cancelTestid="confirm-cancel"
      confirmTestid="confirm-ok"
      onAnswer={answer}
    >
      <div className="dialog-body">
        <h2 id="confirm-title">{confirm.title}</h2>
        <p id="confirm-message">{confirm.message}</p>
        {confirm.detail !== undefined && (
          <p className="mono break-anywhere detail-box" data-testid="confirm-detail">
            {confirm.detail}
          </p>
        )}
      </div>
    </HostDialog>
  );
}
