/**
 * Reads the facts of a security brief from what the user is about to install (a `.wext` file, a
 * catalog entry, a developer folder) and from the data folder (installed version, pinned key),
 * without installing or pinning anything: the install happens only after the user confirms, and
 * is bound to the reviewed package by its SHA-256 (`expect.sha256`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import semver from 'semver';
import type { SecurityBrief } from '../../common/security-brief';
import { loadExtensionFolder } from '../supervision/extension-loader';
import {
  extractPackage,
  PackageError,
  loadAdvisoryFeed,
  matchAdvisories,
  readPackageSbom,
  readState,
  verifyPackage,
  type PackageSbom,
  type Catalog,
  type PackageRegistry,
} from '../packages';
import { createSecurityBrief, type BriefFacts } from './brief';

/** What other subsystems add to a brief: the package's bundled components and matched advisories. */
export type BriefExtras = Pick<BriefFacts, 'components' | 'advisories'>;

export interface BriefReader {
  /** A brief for a `.wext` file; `mode` as the install or update that would follow. */
  forFile(file: string, mode: 'install' | 'update', extras?: BriefExtras): Promise<SecurityBrief>;
  /** A brief for the catalog's latest version of `id`. */
  forCatalog(catalog: Catalog, id: string, mode: 'install' | 'update', extras?: BriefExtras): Promise<SecurityBrief>;
  /** A brief for an unsigned developer folder. */
  forFolder(folder: string, extras?: BriefExtras): Promise<SecurityBrief>;
}

/**
 * The package's own bill of materials (signed with it) and the trusted advisory feed's matches;
 * a feed that cannot be read adds no advisories here (install checks the feed again and says so).
 */
async function sbomExtras(sbom: PackageSbom, dataDir: string): Promise<BriefExtras> {
  if (sbom.status !== 'present') return {};
  const components = sbom.components.map((c) => ({
    name: c.name.slice(0, 214),
    version: c.version.slice(0, 64),
    ...(c.licenses.length ? { licence: c.licenses.join(' AND ').slice(0, 100) } : {}),
  }));
  const loaded = await loadAdvisoryFeed(dataDir).catch(() => undefined);
  const advisories = loaded?.feed
    ? matchAdvisories(sbom.components, loaded.feed).map((a) => ({
        id: a.id,
        package: a.package,
        severity: a.severity,
        ...(a.fixed ? { fixed: a.fixed } : {}),
        ...(a.summary ? { summary: a.summary } : {}),
      }))
    : [];
  return { components, advisories };
}

export function createBriefReader(registry: PackageRegistry): BriefReader {
  const installedOf = async (id: string) => {
    const rec = await registry.record(id);
    if (!rec) return undefined;
    // An installed copy whose manifest cannot be read counts as declaring nothing: every permission shows as added.
    const permissions = await registry.manifest(id).then(
      (m) => m.permissions,
      () => ({}),
    );
    return { rec, permissions };
  };

  async function forFile(
    file: string,
    mode: 'install' | 'update',
    extras: BriefExtras = {},
    expect?: { id: string; version: string; publicKey: string; sha256: string },
  ): Promise<SecurityBrief> {
    // Extracted to a private temporary folder so the signed SBOM can be read from what was verified.
    // Not flushed to disk: the folder is deleted right after (the install extracts durably itself).
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-brief-'));
    let extracted: Awaited<ReturnType<typeof extractPackage>>;
    let pkg: ReturnType<typeof verifyPackage>;
    try {
      extracted = await extractPackage(file, tmp, { fsync: false });
      pkg = verifyPackage(extracted);
      extras = { ...(await sbomExtras(await readPackageSbom(tmp), registry.dataDir)), ...extras };
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    if (expect) {
      if (expect.sha256 !== extracted.packageSha256)
        throw new PackageError('the package does not match the catalog hash');
      if (expect.id !== pkg.id || expect.version !== pkg.version || expect.publicKey !== pkg.publicKey)
        throw new PackageError(`the package is not the ${expect.id} ${expect.version} the catalog lists`);
    }
    const state = await readState(registry.dataDir);
    const before = await installedOf(pkg.id);
    if (mode === 'install' && before) {
      throw new PackageError(
        `${pkg.id} is already installed (${before.rec.active}); use: warden update ${pkg.id} <file>`,
        'refused',
      );
    }
    if (mode === 'update' && !before)
      throw new PackageError(`${pkg.id} is not installed; use: warden install`, 'not-found');
    const pin = Object.hasOwn(state.pins, pkg.id) ? state.pins[pkg.id] : undefined;
    // An installed copy's key is the pin that counts (install.ts checks updates against it).
    const pinned = before?.rec.fingerprint
      ? { fingerprint: before.rec.fingerprint, pinnedAt: pin?.pinnedAt ?? before.rec.activatedAt }
      : pin
        ? { fingerprint: pin.fingerprint, pinnedAt: pin.pinnedAt }
        : undefined;
    return createSecurityBrief({
      manifest: pkg.manifest,
      ...(before ? { installed: { version: before.rec.active, permissions: before.permissions } } : {}),
      signature: { sha256: extracted.packageSha256, fingerprint: pkg.fingerprint, ...(pinned ? { pin: pinned } : {}) },
      ...extras,
    });
  }

  return {
    forFile: (file, mode, extras) => forFile(file, mode, extras),
    async forCatalog(catalog, id, mode, extras) {
      const entry = catalog.latest(id);
      if (!entry) {
        const any = catalog.index.packages.some((p) => p.id === id);
        throw new PackageError(
          any ? `every version of ${id} in the catalog is blocklisted` : `${id} is not in the catalog`,
          any ? 'refused' : 'not-found',
        );
      }
      if (mode === 'update') {
        const rec = await registry.record(id);
        if (rec && !semver.gt(entry.version, rec.highestVersion))
          throw new PackageError(`${id} is up to date (${rec.active}; the catalog has ${entry.version})`, 'refused');
      }
      const fetched = await catalog.fetchPackage(entry, path.join(registry.dataDir, 'cache', 'downloads'));
      try {
        return await forFile(fetched.file, mode, extras, entry);
      } finally {
        await fetched.done();
      }
    },
    async forFolder(folder, extras = {}) {
      const loaded = await loadExtensionFolder(folder);
      if (!loaded.ok) throw new PackageError(`invalid extension: ${loaded.errors[0]}`);
      const m = loaded.extension.manifest;
      const before = await installedOf(m.id);
      if (before && !before.rec.unsigned) {
        throw new PackageError(
          `${m.id} is installed from a signed package; uninstall it before installing a developer copy`,
          'refused',
        );
      }
      return createSecurityBrief({
        manifest: m,
        ...(before ? { installed: { version: before.rec.active, permissions: before.permissions } } : {}),
        ...extras,
      });
    },
  };
}
