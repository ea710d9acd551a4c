/**
 * The package registry as one object bound to a data folder: what the desktop app, headless mode
 * and the CLI call. Every method is a thin wrapper over store.ts, install.ts, lifecycle.ts, installed.ts and catalog.ts.
 */
import path from 'node:path';
import type { LoadedExtension } from '../supervision/extension-loader';
import { openCatalog, type Catalog, type CatalogReadOptions } from './catalog';
import { PackageError } from './format';
import { recordFailure, type Failure } from './failures';
import { readState, type ExtensionRecord } from './install-state';
import { recover, type RecoveryReport, type RegistryOptions } from './store';
import { flushesDone } from './flush';
import { warmPackageHasher } from './extract';
import { installPackage, installUnsigned, type InstallOptions, type InstallOutcome } from './install';
import { approveUpdate, rollbackExtension, setEnabled, uninstallExtension, type RollbackOutcome } from './lifecycle';
import { blockedReason, listInstalled, loadInstalled, readInstalledManifest, type InstalledInfo } from './installed';
import type { Manifest } from '../../common/manifest';
import semver from 'semver';
import { chooseVersion, heldBackReason, installationBucket } from './rollout';

export interface PackageRegistry {
  readonly dataDir: string;
  recover(opts?: { ifIdle?: boolean }): Promise<RecoveryReport>;
  list(): Promise<InstalledInfo[]>;
  /** Why the active version of `id` is blocklisted right now (state.json only), if it is. */
  blocked(id: string): Promise<string | undefined>;
  /** The raw state record of one id (undefined if not installed). */
  record(id: string): Promise<ExtensionRecord | undefined>;
  /**
   * Resolves once the deferred flushes of this registry's installs have ended (an install returns
   * at its commit and flushes afterwards, flush.ts); rejects if one failed.
   */
  flushed(): Promise<void>;
  /**
   * An install may follow (a brief is being read): start what it will use, so it finds it ready
   * (the hashing worker, where `hashWorker` is on). Returns at once.
   */
  prepareInstall(): void;
  install(file: string, opts?: InstallOptions): Promise<InstallOutcome>;
  installUnsigned(folder: string): Promise<InstallOutcome>;
  update(id: string, file: string, opts?: InstallOptions): Promise<InstallOutcome>;
  approve(id: string): Promise<InstallOutcome>;
  rollback(id: string, opts?: { to?: string; reason?: string; onlyIfActive?: string }): Promise<RollbackOutcome>;
  uninstall(id: string): Promise<{ id: string; version: string }>;
  setEnabled(id: string, enabled: boolean): Promise<void>;
  loadInstalled(id: string): Promise<LoadedExtension>;
  /** The active version's manifest, unverified (to show an extension that cannot run, and why). */
  manifest(id: string): Promise<Manifest>;
  openCatalog(source: string, opts: CatalogReadOptions): Promise<Catalog>;
  /** Records a crash or failed activation of the active version; returns those within the window. */
  noteFailure(id: string, failure: Failure, windowMs: number): Promise<Failure[]>;
  /** Installs (or updates to) the catalog's latest non-blocklisted version of `id`. */
  installFromCatalog(
    catalog: Catalog,
    id: string,
    mode: 'install' | 'update',
    opts?: InstallOptions,
  ): Promise<InstallOutcome>;
}

export function createPackageRegistry(dataDir: string, options: RegistryOptions = {}): PackageRegistry {
  const o = (extra: object = {}) => ({ ...options, ...extra });
  return {
    dataDir,
    recover: (opts = {}) => recover(dataDir, o(opts)),
    list: () => listInstalled(dataDir),
    blocked: (id) => blockedReason(dataDir, id),
    async record(id) {
      const state = await readState(dataDir);
      return Object.hasOwn(state.extensions, id) ? state.extensions[id] : undefined;
    },
    flushed: () => flushesDone(dataDir),
    prepareInstall: () => {
      if (options.hashWorker) warmPackageHasher();
    },
    install: (file, opts = {}) => installPackage(dataDir, file, 'install', o(opts)),
    installUnsigned: (folder) => installUnsigned(dataDir, folder, options),
    update: (id, file, opts = {}) =>
      installPackage(dataDir, file, 'update', o({ ...opts, expect: { ...opts.expect, id } })),
    approve: (id) => approveUpdate(dataDir, id, options),
    rollback: (id, opts = {}) => rollbackExtension(dataDir, id, o(opts)),
    uninstall: (id) => uninstallExtension(dataDir, id, options),
    setEnabled: (id, enabled) => setEnabled(dataDir, id, enabled, options),
    loadInstalled: (id) => loadInstalled(dataDir, id),
    manifest: (id) => readInstalledManifest(dataDir, id),
    noteFailure: (id, failure, windowMs) => recordFailure(dataDir, id, failure, windowMs, options.lockTimeoutMs),
    openCatalog: (source, opts) => openCatalog(dataDir, source, { ...opts, lockTimeoutMs: options.lockTimeoutMs }),
    async installFromCatalog(catalog, id, mode, opts = {}) {
      const policy = options.updatePolicy?.() ?? { staged: true, pins: {} };
      const bucket = policy.staged ? await installationBucket(dataDir) : 0;
      const choice = chooseVersion(catalog, id, policy, bucket);
      if (!choice.newest) {
        const any = catalog.index.packages.some((p) => p.id === id);
        throw new PackageError(
          any ? `every version of ${id} in the catalog is blocklisted` : `${id} is not in the catalog`,
          any ? 'refused' : 'not-found',
        );
      }
      const held = heldBackReason(choice, policy, bucket);
      const rec = mode === 'update' ? await this.record(id) : undefined;
      const pkg = choice.chosen;
      if (!pkg || (rec && !semver.gt(pkg.version, rec.highestVersion))) {
        if (held && (!rec || semver.gt(choice.newest.version, rec.highestVersion)))
          throw new PackageError(`${id}: ${held}${rec ? ` (${rec.active} stays)` : ''}`, 'refused');
        throw new PackageError(
          `${id} is up to date (${rec?.active}; the catalog has ${choice.newest.version})`,
          'refused',
        );
      }
      // The user reviewed (security brief) one package: a catalog that now lists another is refused.
      if (opts.expect?.sha256 && opts.expect.sha256 !== pkg.sha256) {
        throw new PackageError(
          `the catalog now lists another package for ${id} (${pkg.version}) than the one you reviewed; review it again`,
          'refused',
        );
      }
      const fetched = await catalog.fetchPackage(pkg, path.join(dataDir, 'cache', 'downloads'));
      try {
        return await installPackage(
          dataDir,
          fetched.file,
          mode,
          o({
            ...opts,
            expect: { id: pkg.id, version: pkg.version, publicKey: pkg.publicKey, sha256: pkg.sha256, size: pkg.size },
          }),
        );
      } finally {
        await fetched.done();
      }
    },
  };
}
