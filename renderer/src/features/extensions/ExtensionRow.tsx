/**
 * One installed extension: identity, badges, reasons, and the actions its state allows. Every
 * button names its extension for screen readers; a disabled extension's row is dimmed. Small facts
 * about an extension go in `ExtensionFacts` below the badges (one line each), actions in the
 * action column.
 */
import type { ExtensionSummary } from '../../../../electron/common/bridge/schemas';
import { Ellipsis } from '../../components/Ellipsis';
import { formatDateTime } from '../../lib/format';
import { useAppStore } from '../../stores/app-store';
import { isRunnable } from '../../stores/run-slice';
import { extensionBadges } from './badges';
import { BundledPackages } from './BundledPackages';
import { StagedNote } from './StagedNote';
import { DeprecatedCalls } from './DeprecatedCalls';

/** "signed by <publisher> · <key fingerprint>", or that it is an unsigned developer folder. */
function SignatureMark({ ext }: { ext: ExtensionSummary }) {
  if (ext.unsigned) return null; // the "unsigned (developer)" badge says it
  return (
    <p className="ext-signature muted" data-testid={`ext-signature-${ext.id}`}>
      <span aria-hidden="true">✓ </span>signed by {ext.signer?.publisher ?? ext.publisher}
      {ext.signer && (
        <>
          {' · '}
          <span className="mono" title="Publisher key fingerprint (SHA-256)">
            {ext.signer.fingerprint}
          </span>
        </>
      )}
    </p>
  );
}

export function ExtensionRow({ ext }: { ext: ExtensionSummary }) {
  const busy = useAppStore((s) => s.busy[ext.id]);
  const setEnabled = useAppStore((s) => s.setEnabled);
  const uninstall = useAppStore((s) => s.uninstall);
  const update = useAppStore((s) => s.update);
  const approveUpdate = useAppStore((s) => s.approveUpdate);
  const rollback = useAppStore((s) => s.rollback);
  const release = useAppStore((s) => s.release);
  const runFrom = useAppStore((s) => s.runFromExtension);
  const quarantined = ext.state === 'quarantined' || ext.quarantine !== undefined;
  const disabled = busy !== undefined;
  const tid = (what: string) => `ext-${what}-${ext.id}`;

  return (
    <li
      className={`ext-row card${ext.enabled ? '' : ' ext-row-off'}`}
      data-testid={`ext-row-${ext.id}`}
      data-state={ext.state}
      aria-busy={disabled}
      aria-label={ext.name}
    >
      <div className="ext-main">
        <div className="ext-title">
          <Ellipsis text={ext.name} className="ext-name" />
          <span className="muted mono ext-version">{ext.version}</span>
        </div>
        <div className="ext-meta muted">
          <Ellipsis text={`${ext.id} · by ${ext.publisher}`}>
            <span className="mono">{ext.id}</span> · by {ext.publisher}
          </Ellipsis>
        </div>
        {ext.description && <Ellipsis text={ext.description} className="ext-desc" />}
        {ext.walls && (
          <p
            className={`ext-walls muted ${ext.walls === 'SES only' ? 'warn' : ''}`}
            data-testid={tid('walls')}
            title="What confines this extension's process: SES, and the operating system's wall when there is one"
          >
            Walls: {ext.walls}
          </p>
        )}
        <SignatureMark ext={ext} />
        <div className="badges">
          {extensionBadges(ext).map((b) => (
            <span key={b.key} className={`badge tone-${b.tone}`} title={b.title} data-testid={`ext-badge-${b.key}`}>
              {b.label}
            </span>
          ))}
          {busy && <span className="badge tone-info">{busy}…</span>}
        </div>
        {ext.quarantine && (
          <p className="reason bad" data-testid={tid('quarantine-reason')}>
            Quarantined {formatDateTime(ext.quarantine.since)}: {ext.quarantine.reason}
          </p>
        )}
        {ext.blocked && <p className="reason bad">Will not run: {ext.blocked}</p>}
        <StagedNote id={ext.id} staged={ext.staged} />
        <DeprecatedCalls ext={ext} />
        {ext.lastExit && !ext.lastExit.expected && !ext.quarantine && (
          <p className="reason warn" data-testid={tid('last-exit')}>
            Last stopped {formatDateTime(ext.lastExit.at)}: {ext.lastExit.reason}
          </p>
        )}
        {ext.pendingUpdate && (
          <div className="perm-diff" data-testid={tid('permdiff')}>
            <p>
              Version <span className="mono">{ext.pendingUpdate.version}</span> asks for more than this version. It
              stays on <span className="mono">{ext.version}</span> until you approve:
            </p>
            <ul>
              {ext.pendingUpdate.addedPermissions.map((p) => (
                <li key={p} className="mono added">
                  + {p}
                </li>
              ))}
            </ul>
            <button
              type="button"
              className="primary"
              disabled={disabled}
              aria-label={`Approve and update ${ext.name}`}
              data-testid={tid('approve')}
              onClick={() => void approveUpdate(ext.id)}
            >
              Approve and update
            </button>
          </div>
        )}
        <BundledPackages ext={ext} />
        {ext.permissions.length > 0 && (
          <details className="ext-perms">
            <summary>Declared permissions ({ext.permissions.length})</summary>
            <ul>
              {ext.permissions.map((p) => (
                <li key={p} className="mono break-anywhere">
                  {p}
                </li>
              ))}
            </ul>
          </details>
        )}
      </div>
      <div className="ext-actions">
        {quarantined ? (
          <button
            type="button"
            className="primary"
            disabled={disabled}
            aria-label={`Release ${ext.name}`}
            data-testid={tid('release')}
            onClick={() => void release(ext.id)}
          >
            Release
          </button>
        ) : (
          <button
            type="button"
            role="switch"
            className="switch"
            disabled={disabled}
            data-testid={tid('toggle')}
            aria-checked={ext.enabled}
            aria-label={`${ext.name} enabled`}
            onClick={() => void setEnabled(ext.id, !ext.enabled)}
          >
            <span className="switch-track" aria-hidden="true">
              <span className="switch-thumb" />
            </span>
            <span className="switch-text">{ext.enabled ? 'On' : 'Off'}</span>
          </button>
        )}
        {isRunnable(ext) && ext.commands.length > 0 && (
          <button
            type="button"
            disabled={disabled}
            aria-label={`Run a command of ${ext.name}`}
            data-testid={tid('run')}
            onClick={() => runFrom(ext.id)}
          >
            Run…
          </button>
        )}
        {ext.updateAvailable && !ext.pendingUpdate && (
          <button
            type="button"
            disabled={disabled}
            aria-label={`Update ${ext.name} to ${ext.updateAvailable}`}
            data-testid={tid('update')}
            onClick={() => void update(ext.id)}
          >
            Update to {ext.updateAvailable}
          </button>
        )}
        {ext.rollbackTo && (
          <button
            type="button"
            disabled={disabled}
            aria-label={`Roll ${ext.name} back to ${ext.rollbackTo}`}
            data-testid={tid('rollback')}
            onClick={() => void rollback(ext.id)}
          >
            Roll back to {ext.rollbackTo}
          </button>
        )}
        <button
          type="button"
          className="danger-outline"
          disabled={disabled}
          aria-label={`Uninstall ${ext.name}`}
          data-testid={tid('uninstall')}
          onClick={() => void uninstall(ext.id)}
        >
          Uninstall
        </button>
      </div>
    </li>
  );
}
