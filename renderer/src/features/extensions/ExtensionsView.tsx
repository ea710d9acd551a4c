/** The Extensions view: what is installed, and where to install more from. */
import { useState } from 'react';
import { useAppStore } from '../../stores/app-store';
import { CatalogPanel } from './CatalogPanel';
import { ExtensionRow } from './ExtensionRow';
import { InstallPanel } from './InstallPanel';

export function ExtensionsView() {
  const extensions = useAppStore((s) => s.extensions);
  const loaded = useAppStore((s) => s.extensionsLoaded);
  const error = useAppStore((s) => s.extensionsError);
  const [showCatalog, setShowCatalog] = useState(false);

  return (
    <div className="view extensions-view">
      <div className="view-header">
        <h1>Extensions</h1>
        <button
          type="button"
          aria-expanded={showCatalog}
          data-testid="catalog-toggle"
          onClick={() => setShowCatalog(!showCatalog)}
        >
          {showCatalog ? 'Hide catalog' : 'Browse catalog'}
        </button>
      </div>
      <InstallPanel />
      {showCatalog && <CatalogPanel />}
      {error && <p className="reason bad">Could not list extensions: {error}</p>}
      {loaded && extensions.length === 0 && <p className="empty muted">No extensions installed yet.</p>}
      <ul className="ext-list" data-testid="ext-list">
        {extensions.map((e) => (
          <ExtensionRow key={e.id} ext={e} />
        ))}
      </ul>
    </div>
  );
}
