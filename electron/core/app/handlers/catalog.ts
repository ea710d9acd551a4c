/** The configured catalog (cached a few minutes) and `catalog.list`. */
import { WardenError } from '../../../common/errors';
import { catalogOffer, readCatalogConfig, type Catalog } from '../../packages';
import { updatePolicyOf } from '../../permissions/policy';
import type { HandlerDeps, Handlers } from './types';

const CATALOG_TTL_MS = 5 * 60_000;

export interface CatalogAccess {
  /** The configured catalog, if any (re-read every few minutes); `required` throws if there is none. */
  get(required?: boolean): Promise<Catalog | undefined>;
  /** The last catalog read, without reading it. */
  cached(): Catalog | undefined;
}

export function createCatalogAccess(d: HandlerDeps): CatalogAccess {
  let cache: { at: number; catalog: Catalog | undefined } | undefined;
  return {
    cached: () => cache?.catalog,
    async get(required = false) {
      if (cache && Date.now() - cache.at < CATALOG_TTL_MS && (cache.catalog || !required)) return cache.catalog;
      const config = readCatalogConfig(d.options.dataDir);
      const source = d.options.catalog ?? config.catalog;
      if (!source) {
        if (required) throw new WardenError('EINVAL', 'no catalog is configured (config.json "catalog")');
        cache = { at: Date.now(), catalog: undefined };
        return undefined;
      }
      try {
        const c = await d.registry.openCatalog(source, { trustedKeys: config.catalogKeys });
        cache = { at: Date.now(), catalog: c };
        return c;
      } catch (err) {
        d.logger.warn(`catalog ${source} cannot be used: ${(err as Error).message}`);
        if (required) throw new WardenError('EINVAL', `the catalog cannot be used: ${(err as Error).message}`);
        cache = { at: Date.now(), catalog: undefined };
        return undefined;
      }
    },
  };
}

export function catalogHandlers(d: HandlerDeps, catalog: CatalogAccess): Handlers<'catalog.list'> {
  return {
    'catalog.list': async ({ query }) => {
      const cat = await catalog.get();
      if (!cat) return [];
      const policy = updatePolicyOf(d.policy);
      const found = cat.search(query ?? '');
      const offers = await Promise.all(found.map((p) => catalogOffer(d.registry.dataDir, cat, p.id, policy)));
      return found.map((p, i) => ({
        id: p.id,
        ...(p.name ? { name: p.name } : {}),
        version: p.version,
        publisher: p.publisher,
        ...(p.description ? { description: p.description } : {}),
        ...(d.known.get(p.id) ? { installed: d.known.get(p.id)!.manifest.version } : {}),
        blocked: cat.blocked(p.id, p.version, p.sha256),
        ...(offers[i]!.staged ? { staged: offers[i]!.staged } : {}),
      }));
    },
  };
}
