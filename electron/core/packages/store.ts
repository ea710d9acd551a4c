/**
 * The on-disk store of installed packages under `<dataDir>/extensions/`, and the steps every
 * change is made of (install.ts, lifecycle.ts; read by installed.ts):
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
 * Trust (install.ts, lifecycle.ts): the first install of an id pins its publisher key; an update must carry the
 * same key and a version above any installed before (no replays); rollback goes only to a version
 * kept locally; an update that widens permissions waits, the old version active, for approval.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import type { AuditLog } from '../platform/audit-log';
import { loadExtensionFolder } from '../supervision/extension-loader';
import type { Manifest } from '../../common/manifest';
import { crashPoint } from './crash-hook';
import { PackageError } from './format';
import type { VerifiedPackage } from './verify';
import {
  acquireLock,
  extensionsRoot,
  fsyncDir,
  lockHolder,
  readState,
  type ExtensionRecord,
  type InstallState,
  type VersionRecord,
} from './install-state';
import type { PackageSbom } from './sbom';
import { pinProblem, type UpdatePolicy } from './rollout';
import { settleUnflushed, trackFlush } from './flush';
import type { AdvisoryFinding } from './advisories';

export interface RegistryOptions {
  /** Lifecycle records (installed, updated, rolled back…) go here when given. */
  audit?: AuditLog;
  now?: () => number;
  /** fsync extracted files (default true). */
  fsync?: boolean;
  lockTimeoutMs?: number;
  /**
   * Hash each package on a second thread while the files are parsed and hashed (hash-worker.ts).
   * For long-lived hosts (the app); the one-shot CLI leaves it off: a worker's start costs more
   * than one install saves.
   */
  hashWorker?: boolean;
  /**
   * The administrator's say on what may be installed (policy `extensions.forbid`, publisher
   * bans): a reason refuses the package before anything is committed; undefined admits it.
   */
  admit?(who: { id: string; publisher: string; fingerprint?: string }): string | undefined;
  /**
   * Matches a verified package's SBOM against the trusted advisory feed before anything is
   * committed (advisories-store.ts): returns the findings to report, or throws a refused
   * PackageError when the admin policy refuses their severity.
   */
  /** The admin policy on updates (rollout.ts): staging on or off, pinned versions. Default: staged, no pins. */
  updatePolicy?(): UpdatePolicy;
  checkAdvisories?(pkg: { id: string; version: string; sbom: PackageSbom }): Promise<AdvisoryFinding[]>;
}

/** Refuses what the admission check (the admin policy) forbids. */
export function checkAdmission(
  opts: RegistryOptions,
  who: { id: string; publisher: string; fingerprint?: string; version?: string },
) {
  const why = opts.admit?.(who);
  if (why) throw new PackageError(why, 'refused');
  const pinned = who.version ? pinProblem(opts.updatePolicy?.().pins ?? {}, who.id, who.version) : undefined;
  if (pinned) throw new PackageError(pinned, 'refused');
}

export interface RecoveryReport {
  removed: string[];
  /** Set when another live process held the lock and recovery was left to it. */
  skipped?: boolean;
}

export const KEEP = 2;

export function audit(opts: RegistryOptions, id: string, detail: string): void {
  opts.audit?.write({ ext: id, kind: 'lifecycle', detail });
}

/**
 * Runs `fn` under the install lock, after recovery (unflushed versions settled, leftovers swept).
 * Work `fn` hands to `later` runs after it returned, the lock still held until that work ends
 * (the deferred flush, flush.ts): the caller has its result at once, and no other change starts
 * before the flush is done.
 */
export async function withLock<T>(
  dataDir: string,
  opts: RegistryOptions,
  fn: (state: InstallState, later: (task: () => Promise<void>) => void) => Promise<T>,
): Promise<T> {
  const lock = await acquireLock(dataDir, opts.lockTimeoutMs);
  crashPoint('lock acquired');
  const tasks: Array<() => Promise<void>> = [];
  let handedOn = false;
  try {
    const state = await readState(dataDir);
    await settle(dataDir, state, opts);
    const value = await fn(state, (task) => tasks.push(task));
    if (tasks.length) {
      handedOn = true;
      trackFlush(
        dataDir,
        (async () => {
          try {
            for (const task of tasks) await task();
          } finally {
            await lock.release();
          }
        })(),
      );
    }
    return value;
  } finally {
    if (!handedOn) await lock.release();
  }
}

/** Recovery under the lock: versions left unflushed by a dead process first, then the sweep. */
async function settle(dataDir: string, state: InstallState, opts: RegistryOptions): Promise<string[]> {
  for (const note of await settleUnflushed(dataDir, state, (opts.now ?? Date.now)())) {
    const id = note.slice(0, note.indexOf(':'));
    audit(opts, id, note.slice(id.length + 2));
  }
  return sweep(dataDir, state);
}

/** Folder names each id's state references. */
export function referenced(rec: ExtensionRecord): Set<string> {
  const dirs = new Set(rec.kept.map((k) => k.dir));
  if (rec.pending) dirs.add(rec.pending.dir);
  return dirs;
}

/**
 * Deletes everything under extensions/ that the state does not reference. Lock held. The listings
 * are read synchronously: a few names, on every install, where a thread-pool hop costs more.
 */
async function sweep(dataDir: string, state: InstallState): Promise<string[]> {
  const root = extensionsRoot(dataDir);
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(root);
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
        subs = fs.readdirSync(full);
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
    return { removed: await settle(dataDir, state, opts) };
  } finally {
    await lock.release();
  }
}

/** A fresh staging folder (its two mkdirs synchronous: cheaper than two thread-pool hops). */
export async function makeStaging(dataDir: string): Promise<string> {
  const root = extensionsRoot(dataDir);
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  const dir = path.join(root, `.staging-${crypto.randomBytes(8).toString('hex')}`);
  fs.mkdirSync(dir, { mode: 0o755 });
  crashPoint('staging created');
  return dir;
}

/**
 * Renames a verified staging folder to `<id>/<dir>` (`target`). Resolves once renamed, with the
 * fsync of `<id>/` that makes the rename durable running (`durable`, settled without throwing):
 * the caller commits state.json only after it (writeState's `before`), and meanwhile writes and
 * flushes the new state, so the two flushes overlap instead of following each other.
 */
export async function moveIntoPlace(
  dataDir: string,
  staging: string,
  id: string,
  dir: string,
  sync = true,
): Promise<{ durable: Promise<void>; target: string }> {
  const idDir = path.join(extensionsRoot(dataDir), id);
  fs.mkdirSync(idDir, { recursive: true, mode: 0o755 });
  crashPoint('id folder ready');
  const target = path.join(idDir, dir);
  if (fs.existsSync(target)) throw new PackageError(`${id}/${dir} already exists`, 'refused');
  fs.renameSync(staging, target);
  crashPoint('renamed into place');
  return { durable: sync ? fsyncDir(idDir) : Promise.resolve(), target };
}

export async function removeUnreferenced(
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

export function recordOf(pkg: VerifiedPackage, dir: string, now: number, packageSha256?: string): VersionRecord {
  return {
    version: pkg.version,
    dir,
    installedAt: now,
    mainSha256: pkg.mainSha256,
    manifestSha256: pkg.files['manifest.json']!,
    ...(packageSha256 ? { packageSha256 } : {}),
  };
}

export function activeRecord(rec: ExtensionRecord): VersionRecord {
  const r = rec.kept.find((k) => k.version === rec.active);
  if (!r)
    throw new PackageError(`state.json: the active version ${rec.active} is not among the kept versions`, 'refused');
  return r;
}

/** Makes `next` the active version, keeping the previous active one for rollback. */
export function activate(rec: ExtensionRecord, next: VersionRecord, now: number): ExtensionRecord {
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

export async function readManifestOf(dir: string): Promise<Manifest> {
  const loaded = await loadExtensionFolder(dir);
  if (!loaded.ok) throw new PackageError(`installed copy in ${dir} is invalid: ${loaded.errors[0]}`, 'refused');
  return loaded.extension.manifest;
}

export function requireRecord(state: InstallState, id: string): ExtensionRecord {
  const rec = Object.hasOwn(state.extensions, id) ? state.extensions[id] : undefined;
  if (!rec) throw new PackageError(`${id} is not installed`, 'not-found');
  return rec;
}
