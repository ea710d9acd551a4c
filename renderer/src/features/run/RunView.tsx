/** The Run view: the selected command's form, Run/Cancel, and the output; or a list to pick from. */
import { useMemo } from 'react';
import { PALETTE_SHORTCUT, RUN_SHORTCUT } from '../../lib/platform';
import { useAppStore } from '../../stores/app-store';
import { paletteCommands, selectedCommand } from '../../stores/run-slice';
import { CommandForm } from './CommandForm';
import { RunOutput } from './RunOutput';

function CommandList() {
  const extensions = useAppStore((s) => s.extensions);
  const select = useAppStore((s) => s.selectCommand);
  const commands = useMemo(() => paletteCommands(extensions), [extensions]);
  if (commands.length === 0) {
    return <p className="empty muted">No commands yet: install or enable an extension in Extensions.</p>;
  }
  return (
    <ul className="command-list" data-testid="command-list">
      {commands.map((c) => (
        <li key={`${c.extensionId}/${c.commandId}`}>
          <button
            type="button"
            className="command-item"
            data-testid="command-item"
            data-command={`${c.extensionId}/${c.commandId}`}
            onClick={() => select(c)}
          >
            <span className="ellipsis" title={c.command.title}>
              {c.command.title}
            </span>
            <span className="ellipsis muted" title={c.extensionName}>
              {c.extensionName}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

export function RunView() {
  const openPalette = useAppStore((s) => s.openPalette);
  const selected = useAppStore((s) => s.selected);
  const command = useAppStore(selectedCommand);
  const extensionName = useAppStore((s) => s.extensions.find((e) => e.id === s.selected?.extensionId)?.name);
  const runSelected = useAppStore((s) => s.runSelected);
  const cancelRun = useAppStore((s) => s.cancelRun);
  const status = useAppStore((s) => s.run?.status);
  const connected = useAppStore((s) => s.connection.state === 'open');
  const running = status === 'running' || status === 'cancelling';
  // Not `disabled`: a disabled button drops keyboard focus to the page body when a run starts.
  const runBlocked = running || !connected;

  return (
    <div className="view run-view">
      <div className="view-header">
        <h1>Run</h1>
        <button type="button" data-testid="open-palette" onClick={openPalette}>
          Choose a command… <kbd>{PALETTE_SHORTCUT}</kbd>
        </button>
      </div>
      {!selected && <CommandList />}
      {selected && !command && (
        <p className="empty muted" data-testid="command-missing">
          This command is no longer available (its extension was disabled, updated or removed).
        </p>
      )}
      {selected && command && (
        <section
          className="card command-card"
          data-testid="command-card"
          data-command={`${selected.extensionId}/${selected.commandId}`}
        >
          <header className="card-header">
            <h2 className="ellipsis" title={command.title}>
              {command.title}
            </h2>
            <span className="ellipsis muted" title={`${extensionName ?? selected.extensionId} · ${command.id}`}>
              {extensionName ?? selected.extensionId} · <span className="mono">{command.id}</span>
            </span>
          </header>
          {command.description && <p className="muted">{command.description}</p>}
          <CommandForm params={command.params} onSubmit={() => void runSelected()}>
            <div className="form-actions">
              <button
                type="submit"
                className="primary"
                aria-disabled={runBlocked}
                aria-describedby={connected ? undefined : 'run-offline'}
                data-testid="run-button"
                title={`Run (${RUN_SHORTCUT})`}
              >
                Run
              </button>
              {!connected && (
                <span id="run-offline" className="muted" data-testid="run-offline">
                  Not connected to Warden: commands cannot run until it reconnects.
                </span>
              )}
              {running && (
                <button
                  type="button"
                  disabled={status === 'cancelling'}
                  data-testid="run-cancel"
                  onClick={() => void cancelRun()}
                >
                  Cancel
                </button>
              )}
            </div>
          </CommandForm>
        </section>
      )}
      <RunOutput />
    </div>
  );
}
