/** What the package and catalog commands share: the registry of a data folder, error mapping, catalogs. */
import {
  createAuditLog,
  servicePaths,
  createPackageRegistry,
  PackageError,
  readCatalogConfig,
  readPublicKey,
  extensionForbidden,
  updatePolicyOf,
  atOrAbove,
  describeFinding,
  loadAdvisoryFeed,
  matchAdvisories,
  type Catalog,
  type PackageRegistry,
  type Policy,
} from '../../../electron/core';
import path from 'node:path';
import { policyFromFlags } from './permission-flags';
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

/** What install and update take to match bundled packages against advisories (`--feed`, `--trust-feed-key`). */
export interface AdvisoryFlags {
  feed?: string;
  'trust-feed-key'?: string[];
}

/**
 * The registry of a data folder; installs are admitted by the admin policy (extensions.forbid,
 * publisher bans) and checked against the trusted advisory feed (refused at or above the policy's
 * `advisories.refuseAtOrAbove`, warned below it).
 */
export function registryFor(dataDir: string, flags: { policy?: string } & AdvisoryFlags = {}): PackageRegistry {
  // Read only when something is installed: uninstall and rollback work whatever the policy says.
  let policy: Policy | undefined;
  return createPackageRegistry(dataDir, {
    audit: createAuditLog({ file: servicePaths(dataDir).audit }),
    admit: (who) => {
      policy ??= policyFromFlags(dataDir, flags).policy;
      return extensionForbidden(policy, {
        extensionId: who.id,
        publisher: who.publisher,
        fingerprint: who.fingerprint,
      });
    },
    updatePolicy() {
      policy ??= policyFromFlags(dataDir, flags).policy;
      return updatePolicyOf(policy);
    },
    async checkAdvisories({ id, version, sbom }) {
      if (sbom.status !== 'present') return [];
      const { feed } = await loadAdvisoryFeed(dataDir, {
        ...(flags.feed ? { extraFeed: path.resolve(flags.feed) } : {}),
        trustedKeys: (flags['trust-feed-key'] ?? []).map((k) => readPublicKey(k)),
      });
      if (!feed) return [];
      const findings = matchAdvisories(sbom.components, feed);
      policy ??= policyFromFlags(dataDir, flags).policy;
      const threshold = policy.advisories?.refuseAtOrAbove ?? 'never';
      const refused = findings.find((f) => atOrAbove(f.severity, threshold));
      if (refused) {
        throw new PackageError(
          `${id} ${version} is refused: the admin policy refuses bundled packages with ${threshold} or worse advisories, ` +
            `and it bundles ${describeFinding(refused)}`,
          'refused',
        );
      }
      return findings;
    },
  });
}

export { CATALOG_OPTIONS } from './command-options';

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
