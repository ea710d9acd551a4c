/** A failed or cancelled run: a sentence and what to do first; the code, message and location after. */
import type { ErrorData } from '../../../../electron/common/error-schema';
import { errorText, type ErrorAction } from '../../lib/error-text';
import { useAppStore } from '../../stores/app-store';
import type { RunState } from '../../stores/run-slice';

const LABEL: Record<ErrorAction, string> = {
  'ask-again': 'Ask again',
  'run-again': 'Run again',
  release: 'Release',
  'manage-permissions': 'Manage permissions',
};

function ErrorActions({ run, actions }: { run: RunState; actions: ErrorAction[] }) {
  const runSelected = useAppStore((s) => s.runSelected);
  const release = useAppStore((s) => s.release);
  const setView = useAppStore((s) => s.setView);
  // Running again only makes sense while the failed command is the one on screen.
  const sameCommand = useAppStore(
    (s) => s.selected?.extensionId === run.extensionId && s.selected?.commandId === run.commandId,
  );
  const shown = actions.filter((a) => sameCommand || (a !== 'ask-again' && a !== 'run-again'));
  if (shown.length === 0) return null;
  const act = (a: ErrorAction) => {
    if (a === 'release') {
      void release(run.extensionId).then(async (ok) => {
        if (ok && sameCommand) await runSelected();
      });
    } else if (a === 'manage-permissions') setView('permissions');
    else void runSelected();
  };
  return (
    <div className="error-actions">
      {shown.map((a, i) => (
        <button
          key={a}
          type="button"
          className={i === 0 ? 'primary' : undefined}
          data-testid={`run-error-action-${a}`}
          onClick={() => act(a)}
        >
          {LABEL[a]}
        </button>
      ))}
    </div>
  );
}

export function RunError({ run, error }: { run: RunState; error: ErrorData }) {
  const { sentence, actions } = errorText(error);
  return (
    <div className={`error-box${run.status === 'cancelled' ? ' neutral' : ''}`} role="alert" data-testid="run-error">
      <p className="error-sentence" data-testid="run-error-sentence">
        {sentence}
      </p>
      <p className="break-anywhere pre-wrap" data-testid="run-error-message">
        {error.message}
      </p>
      <ErrorActions run={run} actions={actions} />
      <p className="error-code muted">
        Error code{' '}
        <span className="mono" data-testid="run-error-code">
          {error.code}
        </span>
        {error.reason && <span> ({error.reason})</span>}
        {error.location && (
          <>
            {' '}
            <span className="mono break-anywhere" data-testid="run-error-location">
              at {error.location}
            </span>
          </>
        )}
      </p>
    </div>
  );
}
