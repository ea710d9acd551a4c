/**
 * Installs, updates, approves, rolls back and uninstalls packages under `<dataDir>/extensions/`:
 *
 *   state.json                  which version of each id is active, kept, pending; pinned keys
 *   <id>/<version>/             a verified package, exactly the signed files + its signature
 *   .staging-<random>/          an extraction in progress (never referenced by state.json)
 *
 * Every change: extract to staging → verify (signature, every hash, engine, trust) → rename into
 * `<id>/<version>` → write state.json atomically (the commit point) → delete what the new state
 * no longer references. `recover()` deletes staging leftovers and unreferenced folders, so a crash
 * at any instant leaves the old state or the new one. All writers hold the install lock.
 *
 * Trust (DESIGN §7): the first install of an id pins its publisher key; an update must carry the
 * same key and a version above any installed before (no replays); rollback goes only to a version
 * kept locally; an update that widens permissions waits, the old version active, for approval.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import type { AuditLog } from '../platform/audit-log';
import { loadExtensionFolder, type LoadedExtension } from '../supervision/extension-loader';
import type { Manifest } from '../../common/manifest';
import { crashPoint } from './crash-hook';
import { extractPackage, syncAll } from './extract';
import { PackageError, SIGNATURE_FILE } from './format';
import { permissionWidening, type PermissionWidening } from './permissions-diff';
import { readShippedFile, shippedFiles } from './pack';
import { fingerprintOf } from './signing';
import { sha256Hex, verifyPackage, verifySignatureFile, type VerifiedPackage } from './verify';
import {
  acquireLock,
  extensionsRoot,
  fsyncDir,
  isBlocked,
  lockHolder,
  readState,
  versionDir,
  writeState,
  type ExtensionRecord,
  type InstallState,
  type VersionRecord,
} from './install-state';

export interface RegistryOptions {
  /** Lifecycle records (installed, updated, rolled back…) go here when given. */
  audit?: AuditLog;
  now?: () => number;
  /** fsync extracted files (default true). */
  fsync?: boolean;
  lockTimeoutMs?: number;
}

export interface InstallOptions extends RegistryOptions {
  /** Activate an update even if it widens permissions (the user approved the shown difference). */
  approve?: boolean;
  /** What a catalog said this package is: a mismatch refuses it (mix-and-match). */
  expect?: { id?: string; version?: string; publicKey?: string; sha256?: string; size?: number };
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
}

export interface RecoveryReport {
  removed: string[];
  /** Set when another live process held the lock and recovery was left to it. */
  skipped?: boolean;
}

export interface InstalledInfo {
  id: string;
  version: string;
  name: string;
  publisher: string;
  enabled: boolean;
  unsigned: boolean;
  /** The catalog blocklist names the active version. */
  blocked?: string;
  fingerprint?: string;
  kept: string[];
  pending?: { version: string; widening: PermissionWidening };
  lastRollback?: ExtensionRecord['lastRollback'];
  activatedAt: number;
  updatedFrom?: string;
  problem?: string;
}

const KEEP = 2;

function audit(opts: RegistryOptions, id: string, detail: string): void {
  opts.audit?.write({ ext: id, kind: 'lifecycle', detail });
}

async function withLock<T>(
  dataDir: string,
  opts: RegistryOptions,
  fn: (state: InstallState) => Promise<T>,
): Promise<T> {
  const lock = await acquireLock(dataDir, opts.lockTimeoutMs);
  crashPoint('lock acquired');
  try {
    const state = await readState(dataDir);
    await sweep(dataDir, state);
    return await fn(state);
  } finally {
    await lock.release();
  }
}

/** Folder names each id's state references. */
function referenced(rec: ExtensionRecord): Set<string> {
  const dirs = new Set(rec.kept.map((k) => k.dir));
  if (rec.pending) dirs.add(rec.pending.dir);
  return dirs;
}

/** Deletes everything under extensions/ that the state does not reference. Lock held. */
async function sweep(dataDir: string, state: InstallState): Promise<string[]> {
  const root = extensionsRoot(dataDir);
  const removed: string[] = [];
  let names: string[];
  try {
    names = await fsp.readdir(root);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (name === 'state.json' || name === '.lock') continue;
    const full = path.join(root, name);
    const rec = Object.hasOwn(state.extensions, name) ? state.extensions[name] : undefined;
    if (rec) {
      const keep = referenced(rec);
      let subs: string[] = [];
      try {
        subs = await fsp.readdir(full);
      } catch {
        continue;
      }
      for (const sub of subs) {
        if (keep.has(sub)) continue;
        await fsp.rm(path.join(full, sub), { recursive: true, force: true });
        removed.push(`${name}/${sub}`);
      }
      continue;
    }
    await fsp.rm(full, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * Call before anything else reads installed extensions (CLI start, app start): removes staging
 * leftovers and unreferenced folders. Waits for the lock unless `ifIdle`, in which case a live
 * holder means recovery is its business and this returns at once.
 */
export async function recover(
  dataDir: string,
  opts: RegistryOptions & { ifIdle?: boolean } = {},
): Promise<RecoveryReport> {
  if (!fs.existsSync(extensionsRoot(dataDir))) return { removed: [] };
  if (opts.ifIdle && lockHolder(dataDir) !== undefined) return { removed: [], skipped: true };
  const lock = await acquireLock(dataDir, opts.lockTimeoutMs);
  try {
    const state = await readState(dataDir);
    return { removed: await sweep(dataDir, state) };
  } finally {
    await lock.release();
  }
}

async function makeStaging(dataDir: string): Promise<string> {
  const root = extensionsRoot(dataDir);
  await fsp.mkdir(root, { recursive: true, mode: 0o700 });
  const dir = path.join(root, `.staging-${crypto.randomBytes(8).toString('hex')}`);
  await fsp.mkdir(dir, { mode: 0o755 });
  crashPoint('staging created');
  return dir;
}

/** Renames a verified staging folder to `<id>/<dir>`. */
async function moveIntoPlace(dataDir: string, staging: string, id: string, dir: string, sync = true): Promise<void> {
  const idDir = path.join(extensionsRoot(dataDir), id);
  await fsp.mkdir(idDir, { recursive: true, mode: 0o755 });
  crashPoint('id folder ready');
  const target = path.join(idDir, dir);
  if (fs.existsSync(target)) throw new PackageError(`${id}/${dir} already exists`, 'refused');
  await fsp.rename(staging, target);
  crashPoint('renamed into place');
  if (sync) await fsyncDir(idDir);
}

async function removeUnreferenced(
  dataDir: string,
  id: string,
  before: ExtensionRecord | undefined,
  after: ExtensionRecord | undefined,
) {
  if (!before) return;
  const keep = after ? referenced(after) : new Set<string>();
  for (const dir of referenced(before)) {
    if (keep.has(dir)) continue;
    await fsp.rm(path.join(extensionsRoot(dataDir), id, dir), { recursive: true, force: true });
    crashPoint(`removed ${id}/${dir}`);
  }
}

function recordOf(pkg: VerifiedPackage, dir: string, now: number, packageSha256?: string): VersionRecord {
  return {
    version: pkg.version,
    dir,
    installedAt: now,
    mainSha256: pkg.mainSha256,
    manifestSha256: pkg.files['manifest.json']!,
    ...(packageSha256 ? { packageSha256 } : {}),
  };
}

function activeRecord(rec: ExtensionRecord): VersionRecord {
  const r = rec.kept.find((k) => k.version === rec.active);
  if (!r)
    throw new PackageError(`state.json: the active version ${rec.active} is not among the kept versions`, 'refused');
  return r;
}

/** Makes `next` the active version, keeping the previous active one for rollback. */
function activate(rec: ExtensionRecord, next: VersionRecord, now: number): ExtensionRecord {
  const prev = activeRecord(rec);
  const { widening: _w, ...plain } = next as VersionRecord & { widening?: unknown };
  const pending =
    rec.pending && rec.pending.version !== next.version && semver.gt(rec.pending.version, next.version)
      ? rec.pending
      : undefined;
  return {
    ...rec,
    active: plain.version,
    kept: [plain, prev].slice(0, KEEP),
    pending,
    activatedAt: now,
    updatedFrom: prev.version,
    highestVersion: semver.gt(plain.version, rec.highestVersion) ? plain.version : rec.highestVersion,
  };
}

async function readManifestOf(dir: string): Promise<Manifest> {
  const loaded = await loadExtensionFolder(dir);
  if (!loaded.ok) throw new PackageError(`installed copy in ${dir} is invalid: ${loaded.errors[0]}`, 'refused');
  return loaded.extension.manifest;
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
  return withLock(dataDir, opts, async (state) => {
    const staging = await makeStaging(dataDir);
    try {
      const extracted = await extractPackage(file, staging, { fsync: opts.fsync, onStep: crashPoint });
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
      const blocked = isBlocked(state, pkg.id, { version: pkg.version, packageSha256: extracted.packageSha256 });
      if (blocked) throw new PackageError(`${pkg.id}@${pkg.version} is blocklisted by a trusted catalog`, 'refused');
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
      await moveIntoPlace(dataDir, staging, pkg.id, rec.dir, opts.fsync !== false);
      state.extensions[pkg.id] = next;
      await writeState(dataDir, state);
      await removeUnreferenced(dataDir, pkg.id, before, next);
      audit(
        opts,
        pkg.id,
        outcome.status === 'installed'
          ? `installed ${pkg.version} (publisher key ${pkg.fingerprint.slice(0, 16)})`
          : outcome.status === 'updated'
            ? `updated ${outcome.from} → ${pkg.version}`
            : `update ${pkg.version} staged: wider permissions await approval`,
      );
      return outcome;
    } finally {
      await fsp.rm(staging, { recursive: true, force: true });
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
      await moveIntoPlace(dataDir, staging, m.id, dir, opts.fsync !== false);
      state.extensions[m.id] = next;
      await writeState(dataDir, state);
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

/** Activates an update that was waiting for approval of its wider permissions. */
export async function approveUpdate(dataDir: string, id: string, opts: RegistryOptions = {}): Promise<InstallOutcome> {
  const now = opts.now ?? Date.now;
  return withLock(dataDir, opts, async (state) => {
    const before = requireRecord(state, id);
    const pending = before.pending;
    if (!pending) throw new PackageError(`${id} has no update waiting for approval`, 'not-found');
    const { widening, ...plain } = pending;
    if (isBlocked(state, id, plain))
      throw new PackageError(`${id}@${plain.version} is blocklisted by a trusted catalog`, 'refused');
    const manifest = await readManifestOf(versionDir(dataDir, id, plain));
    const next = activate({ ...before, pending: undefined }, plain, now());
    state.extensions[id] = next;
    await writeState(dataDir, state);
    await removeUnreferenced(dataDir, id, before, next);
    audit(opts, id, `approved update ${before.active} → ${plain.version} (wider permissions)`);
    return {
      id,
      version: plain.version,
      status: 'updated',
      from: before.active,
      widening,
      fingerprint: before.fingerprint,
      manifest,
    };
  });
}

export interface RollbackOutcome {
  id: string;
  from: string;
  to: string;
  reason: string;
}

/** Makes an older kept version active again (only versions kept locally). */
export async function rollbackExtension(
  dataDir: string,
  id: string,
  opts: RegistryOptions & { to?: string; reason?: string; onlyIfActive?: string } = {},
): Promise<RollbackOutcome> {
  const now = opts.now ?? Date.now;
  return withLock(dataDir, opts, async (state) => {
    const before = requireRecord(state, id);
    if (opts.onlyIfActive && before.active !== opts.onlyIfActive) {
      throw new PackageError(`${id} is no longer at ${opts.onlyIfActive} (now ${before.active})`, 'refused');
    }
    const older = before.kept.filter((k) => semver.lt(k.version, before.active));
    const target = opts.to ? before.kept.find((k) => k.version === opts.to && k.version !== before.active) : older[0];
    if (!target) {
      throw new PackageError(
        opts.to
          ? `${id} ${opts.to} is not kept locally (kept: ${before.kept.map((k) => k.version).join(', ')})`
          : `${id} has no earlier version kept locally`,
        'not-found',
      );
    }
    if (isBlocked(state, id, target))
      throw new PackageError(`${id}@${target.version} is blocklisted by a trusted catalog`, 'refused');
    const reason = opts.reason ?? 'requested by the user';
    const next: ExtensionRecord = {
      ...before,
      active: target.version,
      kept: [target, ...before.kept.filter((k) => k !== target)].slice(0, KEEP),
      activatedAt: now(),
      updatedFrom: undefined,
      lastRollback: { from: before.active, to: target.version, at: now(), reason },
    };
    state.extensions[id] = next;
    await writeState(dataDir, state);
    await removeUnreferenced(dataDir, id, before, next);
    audit(opts, id, `rolled back ${before.active} → ${target.version}: ${reason}`);
    return { id, from: before.active, to: target.version, reason };
  });
}

export async function uninstallExtension(
  dataDir: string,
  id: string,
  opts: RegistryOptions = {},
): Promise<{ id: string; version: string }> {
  return withLock(dataDir, opts, async (state) => {
    const before = requireRecord(state, id);
    delete state.extensions[id];
    await writeState(dataDir, state);
    await fsp.rm(path.join(extensionsRoot(dataDir), id), { recursive: true, force: true });
    crashPoint(`removed ${id}`);
    audit(opts, id, `uninstalled ${before.active}`);
    return { id, version: before.active };
  });
}

export async function setEnabled(
  dataDir: string,
  id: string,
  enabled: boolean,
  opts: RegistryOptions = {},
): Promise<void> {
  await withLock(dataDir, opts, async (state) => {
    const rec = requireRecord(state, id);
    state.extensions[id] = { ...rec, enabled };
    await writeState(dataDir, state);
    audit(opts, id, enabled ? 'enabled' : 'disabled');
  });
}

function requireRecord(state: InstallState, id: string): ExtensionRecord {
  const rec = Object.hasOwn(state.extensions, id) ? state.extensions[id] : undefined;
  if (!rec) throw new PackageError(`${id} is not installed`, 'not-found');
  return rec;
}

export async function listInstalled(dataDir: string): Promise<InstalledInfo[]> {
  const state = await readState(dataDir);
  const out: InstalledInfo[] = [];
  for (const id of Object.keys(state.extensions).sort()) {
    const rec = state.extensions[id]!;
    const info: InstalledInfo = {
      id,
      version: rec.active,
      name: id,
      publisher: id.split('.')[0] ?? id,
      enabled: rec.enabled,
      unsigned: rec.unsigned === true,
      kept: rec.kept.map((k) => k.version),
      activatedAt: rec.activatedAt,
      ...(rec.fingerprint ? { fingerprint: rec.fingerprint } : {}),
      ...(rec.pending ? { pending: { version: rec.pending.version, widening: rec.pending.widening } } : {}),
      ...(rec.lastRollback ? { lastRollback: rec.lastRollback } : {}),
      ...(rec.updatedFrom ? { updatedFrom: rec.updatedFrom } : {}),
    };
    try {
      const active = activeRecord(rec);
      const block = isBlocked(state, id, active);
      if (block) info.blocked = `blocklisted by catalog ${block.catalog.slice(0, 16)}`;
      const m = await readManifestOf(versionDir(dataDir, id, active));
      info.name = m.name;
      info.publisher = m.publisher;
    } catch (err) {
      info.problem = err instanceof Error ? err.message : String(err);
    }
    out.push(info);
  }
  return out;
}

/**
 * Loads the active version of an installed extension for the supervisor: the signature is
 * verified again against the pinned key, manifest.json must still match its signed hash, and the
 * main bundle's signed hash is handed on (`integrity.mainSha256`), so every activation re-checks
 * it. Disabled and blocklisted extensions are refused.
 */
export async function loadInstalled(dataDir: string, id: string): Promise<LoadedExtension> {
  const state = await readState(dataDir);
  const rec = requireRecord(state, id);
  if (!rec.enabled) throw new PackageError(`${id} is disabled`, 'refused');
  const active = activeRecord(rec);
  const block = isBlocked(state, id, active);
  if (block)
    throw new PackageError(`${id}@${active.version} is blocklisted by a trusted catalog; it will not run`, 'refused');
  const dir = versionDir(dataDir, id, active);
  const manifestBytes = await fsp.readFile(path.join(dir, 'manifest.json')).catch(() => undefined);
  if (!manifestBytes)
    throw new PackageError(`${id}: the installed copy is missing manifest.json; reinstall it`, 'refused');
  let signedFiles: Record<string, string> | undefined;
  let publisherKey: string | undefined;
  if (!rec.unsigned) {
    let sigBytes: Buffer;
    try {
      sigBytes = await fsp.readFile(path.join(dir, SIGNATURE_FILE));
    } catch {
      throw new PackageError(`${id}: the installed copy has no ${SIGNATURE_FILE}; reinstall it`, 'refused');
    }
    const signed = verifySignatureFile(sigBytes);
    const fpr = fingerprintOf(signed.publicKey);
    if (fpr !== rec.fingerprint || signed.id !== id || signed.version !== active.version) {
      throw new PackageError(
        `${id}: the installed signature does not match the pinned publisher key or version`,
        'refused',
      );
    }
    if (sha256Hex(manifestBytes) !== signed.files['manifest.json']) {
      throw new PackageError(`${id}: manifest.json was changed after install; reinstall it`, 'refused');
    }
    publisherKey = fpr;
    signedFiles = signed.files;
  } else if (sha256Hex(manifestBytes) !== active.manifestSha256) {
    throw new PackageError(`${id}: manifest.json was changed after install; reinstall it`, 'refused');
  }
  const loaded = await loadExtensionFolder(dir);
  if (!loaded.ok) throw new PackageError(`${id}: ${loaded.errors[0]}`, 'refused');
  const ext = loaded.extension;
  const mainSha256 = signedFiles ? signedFiles[ext.manifest.main] : active.mainSha256;
  if (!mainSha256) throw new PackageError(`${id}: ${ext.manifest.main} is not in the signed file list`, 'refused');
  return {
    ...ext,
    integrity: { mainSha256 },
    ...(publisherKey ? { publisherKey } : {}),
    ...(rec.unsigned ? { unsigned: true } : {}),
  };
}
