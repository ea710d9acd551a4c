/** What the package and catalog commands share: the registry of a data folder, error mapping, catalogs. */
import {
  createAuditLog,
  servicePaths,
  createPackageRegistry,
  PackageError,
  readCatalogConfig,
  readPublicKey,
  type Catalog,
  type PackageRegistry,
} from '../../../electron/core';
import { CliError, EXIT_FAILED, EXIT_USAGE } from './usage';
import type { CliContext } from './context';

export type Command = (argv: string[], ctx: CliContext) => Promise<number>;

/** PackageError → one line; invalid or refused packages exit 2, a missing thing exits 1. */
export async function guard<T>(fn: () => Promise<T>, allTwo = false): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof PackageError) {
      throw new CliError(err.message, allTwo || err.kind !== 'not-found' ? EXIT_USAGE : EXIT_FAILED);
    }
    throw err;
  }
}

export function registryFor(dataDir: string): PackageRegistry {
  return createPackageRegistry(dataDir, { audit: createAuditLog({ file: servicePaths(dataDir).audit }) });
}

export const CATALOG_OPTIONS = {
  catalog: { type: 'string' },
  'trust-catalog-key': { type: 'string', multiple: true },
} as const;

export async function catalogFrom(
  registry: PackageRegistry,
  values: { catalog?: string; 'trust-catalog-key'?: string[] },
): Promise<Catalog> {
  const config = readCatalogConfig(registry.dataDir);
  const source = values.catalog ?? config.catalog;
  if (!source) throw new CliError('no catalog: pass --catalog <dir-or-url> (or set "catalog" in config.json)');
  const keys = [...config.catalogKeys, ...(values['trust-catalog-key'] ?? []).map((k) => readPublicKey(k))];
  return registry.openCatalog(source, { trustedKeys: keys });
}
