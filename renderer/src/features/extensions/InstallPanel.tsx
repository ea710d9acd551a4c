/** Install from a package file (.wext) or, in developer mode, an unpacked folder. */
import { useState } from 'react';
import { useAppStore } from '../../stores/app-store';
import { INSTALL_BUSY_KEY } from '../../stores/extensions-slice';

export function InstallPanel() {
  const [path, setPath] = useState('');
  const [kind, setKind] = useState<'file' | 'folder'>('file');
  const install = useAppStore((s) => s.install);
  const pickPath = useAppStore((s) => s.pickPath);
  const busy = useAppStore((s) => s.busy[INSTALL_BUSY_KEY] !== undefined);
  // A browser tab (headless mode) has no native picker: the path is typed instead.
  const hasPicker = useAppStore((s) => s.appInfo?.mode === 'electron');

  const submit = async () => {
    const p = path.trim();
    if (!p) return;
    if (await install({ source: kind, path: p })) setPath('');
  };

  return (
    <form
      className="card install-panel"
      data-testid="install-panel"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>Install from a file</h2>
      <div className="install-row">
        <select
          aria-label="What to install"
          value={kind}
          data-testid="install-kind"
          onChange={(e) => setKind(e.target.value as 'file' | 'folder')}
        >
          <option value="file">Package (.wext)</option>
          <option value="folder">Folder (developer, unsigned)</option>
        </select>
        <input
          type="text"
          aria-label={kind === 'file' ? 'Package file path' : 'Extension folder path'}
          placeholder={kind === 'file' ? '/path/to/extension.wext' : '/path/to/extension-folder'}
          spellCheck={false}
          value={path}
          data-testid="install-path"
          onChange={(e) => setPath(e.target.value)}
        />
        {hasPicker && (
          <button
            type="button"
            data-testid="install-pick"
            onClick={async () => {
              const chosen = await pickPath(
                kind === 'file' ? 'file' : 'directory',
                kind === 'file' ? 'Choose a .wext package' : 'Choose an extension folder',
              );
              if (chosen !== null) setPath(chosen);
            }}
          >
            Choose…
          </button>
        )}
        <button type="submit" className="primary" disabled={busy || path.trim() === ''} data-testid="install-submit">
          {busy ? 'Installing…' : 'Install'}
        </button>
      </div>
    </form>
  );
}
