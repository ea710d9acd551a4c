/**
 * The Extensions view: what is installed first, with a search over it; installing from a file or
 * the catalog sits behind buttons in the header.
 */
import { useMemo, useState } from 'react';
import { fuzzyFilter } from '../../lib/fuzzy';
import { useAppStore } from '../../stores/app-store';
import { CatalogPanel } from './CatalogPanel';
import { ExtensionRow } from './ExtensionRow';
import { InstallPanel } from './InstallPanel';

type Panel = 'none' | 'install' | 'catalog';

export function ExtensionsView() {
  const extensions = useAppStore((s) => s.extensions);
  const loaded = useAppStore((s) => s.extensionsLoaded);
  const error = useAppStore((s) => s.extensionsError);
  const [panel, setPanel] = useState<Panel>('none');
  const [query, setQuery] = useState('');
  const shown = useMemo(
    () => fuzzyFilter(query.trim(), extensions, (e) => `${e.name} ${e.id} ${e.publisher} ${e.description ?? ''}`),
    [query, extensions],
  );
  const toggle = (p: Panel) => setPanel(panel === p ? 'none' : p);

  return (
    <div className="view extensions-view">
      <div className="view-header">
        <h1>Extensions</h1>
        <input
          type="search"
          className="ext-search"
          aria-label="Search installed extensions"
          placeholder="Search installed…"
          value={query}
          data-testid="ext-search"
          onChange={(e) => setQuery(e.target.value)}
        />
        <button
          type="button"
          aria-expanded={panel === 'install'}
          data-testid="install-toggle"
          onClick={() => toggle('install')}
        >
          Install from a file…
        </button>
        <button
          type="button"
          aria-expanded={panel === 'catalog'}
          data-testid="catalog-toggle"
          onClick={() => toggle('catalog')}
        >
          {panel === 'catalog' ? 'Hide catalog' : 'Browse catalog'}
        </button>
      </div>
      {panel === 'install' && <InstallPanel />}
      {panel === 'catalog' && <CatalogPanel />}
      {error && <p className="reason bad">Could not list extensions: {error}</p>}
      {loaded && extensions.length === 0 && <p className="empty muted">No extensions installed yet.</p>}
      {extensions.length > 0 && shown.length === 0 && (
        <p className="empty muted" data-testid="ext-search-empty">
          No installed extension matches “{query}”.
        </p>
      )}
      <ul className="ext-list" data-testid="ext-list" aria-label="Installed extensions">
        {shown.map((e) => (
          <ExtensionRow key={e.id} ext={e} />
        ))}
      </ul>
    </div>
  );
}
