/** The title bar: brand, the app mode note, the palette button and the theme toggle. */
import { useAppStore } from '../../stores/app-store';
import { PALETTE_SHORTCUT } from '../../lib/platform';

export function Header() {
  const info = useAppStore((s) => s.appInfo);
  const theme = useAppStore((s) => s.theme);
  const toggleTheme = useAppStore((s) => s.toggleTheme);
  const openPalette = useAppStore((s) => s.openPalette);
  const note = info?.note ?? (info?.mode === 'headless' ? 'headless mode' : undefined);
  return (
    <header className="topbar">
      <div className="brand">
        <span className="host-mark" aria-hidden="true">
          ◆
        </span>
        Warden
        {info && <span className="muted version">{info.version}</span>}
      </div>
      {note && (
        <span className="mode-note ellipsis" title={note} data-testid="app-mode-note">
          {note}
        </span>
      )}
      <div className="topbar-actions">
        <button type="button" className="palette-button" data-testid="open-palette-top" onClick={openPalette}>
          Run a command… <kbd>{PALETTE_SHORTCUT}</kbd>
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
          title={theme === 'dark' ? 'Light theme' : 'Dark theme'}
          data-testid="theme-toggle"
          data-theme-current={theme}
          onClick={toggleTheme}
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </div>
    </header>
  );
}
