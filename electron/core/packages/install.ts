/**
 * Installs (or updates) from a signed `.wext` file, and installs unsigned developer folders:
 * extract to staging → verify → rename into place → write state.json (store.ts).
 *
 * Trust: the first install of an id pins its publisher key; an update must carry the
 * same key and a version above any installed before (no replays); an update that widens
 * permissions waits, the old version active, for approval (lifecycle.ts approves it).
 */
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { loadExtensionFolder } from '../supervision/extension-loader';
import type { Manifest } from '../../common/manifest';
import { crashPoint } from './crash-hook';
import { extractPackage, syncAll } from './extract';
import { clearMark, flushVersion } from './flush';
import { PackageError } from './format';
import { permissionWidening, type PermissionWidening } from './permissions-diff';
import { readShippedFile, shippedFiles } from './pack';
import { sha256Hex, verifyPackage, type VerifiedPackage } from './verify';
import { readPackageSbom, type PackageSbom } from './sbom';
import { describeFinding, type AdvisoryFinding } from './advisories';
import { isBlocked, versionDir, writeState, type ExtensionRecord, type VersionRecord } from './install-state';
import {
  activate,
  activeRecord,
  audit,
  checkAdmission,
  makeStaging,
  moveIntoPlace,
  readManifestOf,
  recordOf,
  referenced,
  removeUnreferenced,
  withLock,
  type RegistryOptions,
} from './store';

export interface InstallOptions extends RegistryOptions {
  /** Activate an update even if it widens permissions (the user approved the shown difference). */
  approve?: boolean;
  /** What a catalog said this package is: a mismatch refuses it (mix-and-match). */
  expect?: { id?: string; version?: string; publicKey?: string; sha256?: string; size?: number };
  /**
   * Install an id whose pinned publisher key (kept after uninstall) differs from the package's:
   * the user accepts that someone else now signs it, and the new key becomes the pin.
   */
  acceptNewKey?: boolean;
}

export interface InstallOutcome {
  id: string;
  version: string;
  /** `pending-approval`: verified and kept on disk, but the old version stays active. */
  status: 'installed' | 'updated' | 'pending-approval';
  from?: string;
  widening?: PermissionWidening;
  fingerprint?: string;
  manifest: Manifest;
  unsigned?: boolean;
  /** The fingerprint of the pinned key this install replaced (`acceptNewKey`). */
  replacedKey?: string;
  /** The bundled npm packages the package's SBOM lists (`absent` for packages built without one). */
  sbom?: PackageSbom;
  /** Advisories of the trusted feed that match its bundled packages (warned, not refused). */
  advisories?: AdvisoryFinding[];
}

/**
 * Installs (`mode: 'install'`, a new id) or updates (`mode: 'update'`, an installed id) from a
 * `.wext` file.
 */
export async function installPackage(
  dataDir: string,
  file: string,
  mode: 'install' | 'update',
  opts: InstallOptions = {},
): Promise<InstallOutcome> {
  const now = opts.now ?? Date.now;
  const durable = opts.fsync !== false;
  return withLock(dataDir, opts, async (state, later) => {
    const staging = await makeStaging(dataDir);
    let renamed = false;
    try {
      // Written without a flush: the flush comes after the commit (deferred, below).
      const extracted = await extractPackage(file, staging, {
        fsync: false,
        onStep: crashPoint,
        parallelHash: opts.hashWorker,
      });
      const pkg = verifyPackage(extracted);
      const e = opts.expect;
      if (e) {
        if (e.sha256 && e.sha256 !== extracted.packageSha256)
          throw new PackageError('the package does not match the catalog hash');
        if (e.size !== undefined && e.size !== extracted.packageSize)
          throw new PackageError('the package size does not match the catalog');
        if (e.id && e.id !== pkg.id) throw new PackageError(`the package is ${pkg.id}, not ${e.id}`);
        if (e.version && e.version !== pkg.version) {
          throw new PackageError(`the catalog lists ${pkg.id} ${e.version} but the package is ${pkg.version}`);
        }
        if (e.publicKey && e.publicKey !== pkg.publicKey)
          throw new PackageError('the package is signed by another key than the catalog lists');
      }
      checkAdmission(opts, {
        id: pkg.id,
        publisher: pkg.publisher,
        fingerprint: pkg.fingerprint,
        version: pkg.version,
      });
      const blocked = isBlocked(state, pkg.id, { version: pkg.version, packageSha256: extracted.packageSha256 });
      if (blocked) throw new PackageError(`${pkg.id}@${pkg.version} is blocklisted by a trusted catalog`, 'refused');
      const sbom = await readPackageSbom(staging);
      const advisories = (await opts.checkAdvisories?.({ id: pkg.id, version: pkg.version, sbom })) ?? [];
      const before = state.extensions[pkg.id];
      if (mode === 'install' && before) {
        throw new PackageError(
          `${pkg.id} is already installed (${before.active}); use: warden update ${pkg.id} <file>`,
          'refused',
        );
      }
      if (mode === 'update' && !before)
        throw new PackageError(`${pkg.id} is not installed; use: warden install`, 'not-found');
      let next: ExtensionRecord;
      let outcome: InstallOutcome;
      const rec = recordOf(pkg, pkg.version, now(), extracted.packageSha256);
      // Committed before it is flushed: re-checked at activation and recovery until it is (flush.ts).
      if (durable) rec.unflushed = before ? { highestBefore: before.highestVersion } : {};
      const pin = Object.hasOwn(state.pins, pkg.id) ? state.pins[pkg.id] : undefined;
      const replacedKey = !before && pin && pin.fingerprint !== pkg.fingerprint ? pin.fingerprint : undefined;
      if (replacedKey && !opts.acceptNewKey) {
        throw new PackageError(
          `${pkg.id} ${pkg.version} is signed by key ${pkg.fingerprint.slice(0, 16)}…, not the publisher ` +
            `key ${replacedKey.slice(0, 16)}… pinned when it was first installed (kept after uninstall). ` +
            `If you know the publisher changed keys, install with --accept-new-key`,
          'refused',
        );
      }
      if (!before) {
        next = {
          active: pkg.version,
          kept: [rec],
          publicKey: pkg.publicKey,
          fingerprint: pkg.fingerprint,
          enabled: true,
          highestVersion: pkg.version,
          activatedAt: now(),
        };
        outcome = {
          id: pkg.id,
          version: pkg.version,
          status: 'installed',
          fingerprint: pkg.fingerprint,
          manifest: pkg.manifest,
          ...(replacedKey ? { replacedKey } : {}),
        };
      } else {
        checkUpdateTrust(pkg, before);
        const activeDir = versionDir(dataDir, pkg.id, activeRecord(before));
        const widening = permissionWidening((await readManifestOf(activeDir)).permissions, pkg.manifest.permissions);
        if (widening && !opts.approve) {
          next = { ...before, pending: { ...rec, widening }, highestVersion: pkg.version };
          outcome = {
            id: pkg.id,
            version: pkg.version,
            status: 'pending-approval',
            from: before.active,
            widening,
            fingerprint: pkg.fingerprint,
            manifest: pkg.manifest,
          };
        } else {
          next = activate(before, rec, now());
          outcome = {
            id: pkg.id,
            version: pkg.version,
            status: 'updated',
            from: before.active,
            fingerprint: pkg.fingerprint,
            manifest: pkg.manifest,
            ...(widening ? { widening } : {}),
          };
        }
      }
      await moveIntoPlace(dataDir, staging, pkg.id, rec.dir, false);
      renamed = true;
      state.extensions[pkg.id] = next;
      if (!pin || replacedKey) {
        state.pins[pkg.id] = { publicKey: pkg.publicKey, fingerprint: pkg.fingerprint, pinnedAt: now() };
      }
      if (!durable) {
        await writeState(dataDir, state);
        await removeUnreferenced(dataDir, pkg.id, before, next);
      } else {
        // The commit: state.json itself is flushed before its rename, the rename is not (a power
        // cut may bring the old state back, whose folders are all still there).
        await writeState(dataDir, state, undefined, { syncFolder: false });
        crashPoint('committed, flush pending');
        later(async () => {
          await flushVersion(dataDir, pkg.id, rec);
          crashPoint('flushed');
          state.extensions[pkg.id] = clearMark(state.extensions[pkg.id]!, rec.dir);
          await writeState(dataDir, state);
          // Only now: until the new version is durable, the one it replaces must stay.
          await removeUnreferenced(dataDir, pkg.id, before, state.extensions[pkg.id]);
        });
      }
      audit(
        opts,
        pkg.id,
        outcome.status === 'installed'
          ? `installed ${pkg.version} (publisher key ${pkg.fingerprint.slice(0, 16)}${replacedKey ? `, replacing the pinned key ${replacedKey.slice(0, 16)} as the user accepted` : ''})`
          : outcome.status === 'updated'
            ? `updated ${outcome.from} → ${pkg.version}`
            : `update ${pkg.version} staged: wider permissions await approval`,
      );
      for (const f of advisories)
        audit(opts, pkg.id, `${pkg.version} bundles a package with an advisory: ${describeFinding(f)}`);
      return { ...outcome, sbom, ...(advisories.length ? { advisories } : {}) };
    } finally {
      if (!renamed) await fsp.rm(staging, { recursive: true, force: true });
    }
  });
}

function checkUpdateTrust(pkg: VerifiedPackage, before: ExtensionRecord): void {
  if (before.unsigned || !before.fingerprint) {
    throw new PackageError(
      `${pkg.id} is installed as an unsigned developer copy; uninstall it before installing a signed package`,
      'refused',
    );
  }
  if (before.fingerprint !== pkg.fingerprint) {
    throw new PackageError(
      `${pkg.id} ${pkg.version} is signed by key ${pkg.fingerprint.slice(0, 16)}…, not the pinned publisher key ${before.fingerprint.slice(0, 16)}…`,
      'refused',
    );
  }
  if (!semver.gt(pkg.version, before.highestVersion)) {
    throw new PackageError(
      `${pkg.id} ${pkg.version} is not higher than ${before.highestVersion}, already installed (an old version replayed?)`,
      'refused',
    );
  }
}

/** Installs an unsigned folder (developer mode): a copy of the files `pack` would ship, marked unsigned. */
export async function installUnsigned(
  dataDir: string,
  folder: string,
  opts: RegistryOptions = {},
): Promise<InstallOutcome> {
  const now = opts.now ?? Date.now;
  const loaded = await loadExtensionFolder(folder);
  if (!loaded.ok) throw new PackageError(`invalid extension: ${loaded.errors[0]}`);
  const m = loaded.extension.manifest;
  checkAdmission(opts, { id: m.id, publisher: m.publisher, version: m.version });
  return withLock(dataDir, opts, async (state) => {
    const before = state.extensions[m.id];
    if (before && !before.unsigned) {
      throw new PackageError(
        `${m.id} is installed from a signed package; uninstall it before installing a developer copy`,
        'refused',
      );
    }
    const staging = await makeStaging(dataDir);
    try {
      const hashes: Record<string, string> = {};
      for (const rel of shippedFiles(folder, m)) {
        const data = readShippedFile(folder, rel);
        const dest = path.join(staging, ...rel.split('/'));
        await fsp.mkdir(path.dirname(dest), { recursive: true });
        await fsp.writeFile(dest, data, { flag: 'wx', mode: 0o644 });
        hashes[rel] = sha256Hex(data);
        crashPoint(`write ${rel}`);
      }
      const taken = before ? referenced(before) : new Set<string>();
      const dir = taken.has(m.version) ? `${m.version}~${crypto.randomBytes(4).toString('hex')}` : m.version;
      const rec: VersionRecord = {
        version: m.version,
        dir,
        installedAt: now(),
        mainSha256: hashes[m.main]!,
        manifestSha256: hashes['manifest.json']!,
        unsigned: true,
      };
      const next: ExtensionRecord = {
        active: m.version,
        kept: [rec],
        unsigned: true,
        enabled: before?.enabled ?? true,
        highestVersion: m.version,
        activatedAt: now(),
      };
      if (opts.fsync !== false) {
        const dirs = new Set([staging]);
        for (const rel of Object.keys(hashes)) {
          const segs = rel.split('/');
          for (let i = 1; i < segs.length; i++) dirs.add(path.join(staging, ...segs.slice(0, i)));
        }
        await syncAll([...dirs, ...Object.keys(hashes).map((rel) => path.join(staging, ...rel.split('/')))]);
      }
      const placed = await moveIntoPlace(dataDir, staging, m.id, dir, opts.fsync !== false);
      state.extensions[m.id] = next;
      await writeState(dataDir, state, placed.durable);
      await removeUnreferenced(dataDir, m.id, before, next);
      audit(opts, m.id, `installed unsigned developer copy ${m.version} from ${folder}`);
      return {
        id: m.id,
        version: m.version,
        status: before ? 'updated' : 'installed',
        manifest: m,
        unsigned: true,
        ...(before ? { from: before.active } : {}),
      };
    } finally {
      await fsp.rm(staging, { recursive: true, force: true });
    }
  });
}
