/** The catalog: signed packages available to install (blocked ones cannot be). */
import { useEffect, useState } from 'react';
import { Ellipsis } from '../../components/Ellipsis';
import { useAppStore } from '../../stores/app-store';
import { INSTALL_BUSY_KEY } from '../../stores/extensions-slice';
import { StagedNote } from './StagedNote';

export function CatalogPanel() {
  const catalog = useAppStore((s) => s.catalog);
  const loaded = useAppStore((s) => s.catalogLoaded);
  const error = useAppStore((s) => s.catalogError);
  const loadCatalog = useAppStore((s) => s.loadCatalog);
  const install = useAppStore((s) => s.install);
  const busy = useAppStore((s) => s.busy[INSTALL_BUSY_KEY] !== undefined);
  const [query, setQuery] = useState('');

  // The catalog is fetched when this panel is shown (and on every search), not on startup.
  useEffect(() => {
    const t = setTimeout(() => void loadCatalog(query.trim() || undefined), query ? 250 : 0);
    return () => clearTimeout(t);
  }, [query, loadCatalog]);

  return (
    <section className="card catalog-panel" data-testid="catalog">
      <div className="card-header">
        <h2>Catalog</h2>
        <input
          type="search"
          aria-label="Search the catalog"
          placeholder="Search…"
          value={query}
          data-testid="catalog-search"
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      {error && <p className="reason bad">Could not load the catalog: {error}</p>}
      {loaded && !error && catalog.length === 0 && (
        <p className="muted">Nothing in the catalog{query ? ' matches' : ''}.</p>
      )}
      <ul className="catalog-list">
        {catalog.map((c) => (
          <li key={c.id} className="catalog-row" data-testid={`catalog-row-${c.id}`}>
            <div className="catalog-main">
              <Ellipsis text={c.name ?? c.id} className="ext-name" />
              <Ellipsis text={`${c.id} ${c.version} · by ${c.publisher}`} className="muted">
                <span className="mono">{c.id}</span> {c.version} · by {c.publisher}
              </Ellipsis>
              {c.description && <Ellipsis text={c.description} className="ext-desc" />}
              <StagedNote id={c.id} staged={c.staged} />
            </div>
            {c.blocked ? (
              <span className="badge tone-bad">blocked</span>
            ) : c.installed === c.version ? (
              <span className="badge tone-neutral">installed</span>
            ) : (
              <button
                type="button"
                disabled={busy}
                data-testid={`catalog-install-${c.id}`}
                onClick={() => void install({ source: 'catalog', id: c.id })}
              >
                {c.installed ? `Update from ${c.installed}` : 'Install'}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
