/**
 * The deferred flush of an installed version. An install commits state.json with the new version
 * marked `unflushed` and returns; the flush of its files (and folders), a second commit that
 * clears the mark, and the removal of what the new state dropped run afterwards, with the install
 * lock still held (`withLock`'s `later`), so no other change, in this process or another, starts
 * before it ends.
 *
 * A process killed in that window loses nothing (the page cache survives); a power cut may lose
 * some of the version's bytes. So whoever next takes the lock, or activates the version, finds the
 * mark and re-hashes every signed file (`settleUnflushed`, `checkVersionFiles`): intact, it is
 * flushed and the mark cleared; damaged, it is dropped and the previous version (kept on disk
 * until the new one is flushed) becomes active again.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { PackageError, SIGNATURE_FILE } from './format';
import { crashPoint } from './crash-hook';
import { syncAll } from './tar-read';
import { sha256Hex, verifyPackage, verifySignatureFile, type ExtractedFile } from './verify';
import {
  extensionsRoot,
  fsyncDir,
  versionDir,
  writeState,
  type ExtensionRecord,
  type InstallState,
  type VersionRecord,
} from './install-state';

/** Background work per data folder (the deferred flushes), and the first failure, if any. */
const running = new Map<string, { done: Promise<void>; error?: unknown }>();

/**
 * Runs `task` after the caller returned (lock still held by the caller's `withLock`); its
 * failure is kept for `flushesDone` rather than thrown at nobody.
 */
export function trackFlush(dataDir: string, task: Promise<void>): void {
  const key = path.resolve(dataDir);
  const prior = running.get(key);
  const entry: { done: Promise<void>; error?: unknown } = { done: Promise.resolve(), error: prior?.error };
  entry.done = Promise.all([prior?.done, task.catch((err: unknown) => void (entry.error ??= err))]).then(() => {
    if (running.get(key) === entry && !entry.error) running.delete(key);
  });
  running.set(key, entry);
}

/**
 * Resolves once every deferred flush this process started for `dataDir` has ended (the CLI waits
 * for it before it exits); rejects with the first that failed (the version then stays marked
 * unflushed and is re-checked at its next activation or recovery).
 */
export async function flushesDone(dataDir: string): Promise<void> {
  const key = path.resolve(dataDir);
  const entry = running.get(key);
  if (!entry) return;
  await entry.done;
  if (running.get(key) === entry) running.delete(key);
  if (entry.error) throw entry.error;
}

/** Every file and folder of a version, then its parents: what makes it durable. */
export async function flushVersion(dataDir: string, id: string, rec: Pick<VersionRecord, 'dir'>): Promise<void> {
  const dir = versionDir(dataDir, id, rec);
  const entries = fs.readdirSync(dir, { recursive: true, withFileTypes: true });
  await syncAll([dir, ...entries.map((e) => path.join(e.parentPath, e.name))]);
  await fsyncDir(path.dirname(dir));
  await fsyncDir(extensionsRoot(dataDir));
}

/**
 * Re-hashes every signed file of an installed (signed) version against its signature, and checks
 * the signature against the pinned key: a problem (what a lost writeback leaves) or undefined.
 */
export async function checkVersionFiles(
  dataDir: string,
  id: string,
  ext: Pick<ExtensionRecord, 'fingerprint'>,
  rec: VersionRecord,
): Promise<string | undefined> {
  const dir = versionDir(dataDir, id, rec);
  try {
    const signatureBytes = await fsp.readFile(path.join(dir, SIGNATURE_FILE));
    const signed = verifySignatureFile(signatureBytes); // its file names checked before they are read
    const files = new Map<string, ExtractedFile>();
    let manifestBytes: Buffer | undefined;
    for (const rel of Object.keys(signed.files)) {
      const bytes = await fsp.readFile(path.join(dir, ...rel.split('/')));
      if (rel === 'manifest.json') manifestBytes = bytes;
      files.set(rel, { sha256: sha256Hex(bytes), size: bytes.length });
    }
    const pkg = verifyPackage({ signatureBytes, manifestBytes, files });
    if (pkg.id !== id || pkg.version !== rec.version || pkg.fingerprint !== ext.fingerprint)
      return 'its signature does not match the pinned key or version';
    if (pkg.mainSha256 !== rec.mainSha256) return 'its main bundle differs from the one installed';
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The versions of one record still marked unflushed. */
export function unflushedOf(rec: ExtensionRecord): VersionRecord[] {
  return [...rec.kept, ...(rec.pending ? [rec.pending] : [])].filter((k) => k.unflushed);
}

/** A copy of `rec` without the mark on the version in folder `dir`. */
export function clearMark(rec: ExtensionRecord, dir: string): ExtensionRecord {
  const clear = <T extends VersionRecord>(k: T): T => {
    if (k.dir !== dir || !k.unflushed) return k;
    const { unflushed: _u, ...rest } = k;
    return rest as T;
  };
  return { ...rec, kept: rec.kept.map(clear), ...(rec.pending ? { pending: clear(rec.pending) } : {}) };
}

/**
 * `rec` without the version `bad` (damaged: lost writes). The active one falls back to the
 * previous kept version; with none left, the id is uninstalled (undefined). The highest version
 * seen goes back to what it was, so the lost version may be installed again.
 */
function withoutVersion(rec: ExtensionRecord, bad: VersionRecord, now: number, why: string) {
  const highestVersion = bad.unflushed?.highestBefore ?? rec.highestVersion;
  if (rec.pending?.dir === bad.dir) {
    const { pending: _p, ...rest } = rec;
    return { ...rest, highestVersion };
  }
  const kept = rec.kept.filter((k) => k.dir !== bad.dir);
  if (kept.length === 0) return undefined;
  if (rec.active !== bad.version) return { ...rec, kept, highestVersion };
  const back = kept[0]!;
  return {
    ...rec,
    kept,
    active: back.version,
    activatedAt: now,
    updatedFrom: undefined,
    failures: undefined,
    highestVersion,
    lastRollback: { from: bad.version, to: back.version, at: now, reason: why },
  };
}

/**
 * Under the install lock, with no flush of this process running: checks every version marked
 * unflushed (its flusher died). Intact ones are flushed and unmarked; damaged ones are dropped
 * (their folders deleted after the state that drops them is durable). Writes the state once if
 * anything changed; returns what it did, for the audit log.
 */
export async function settleUnflushed(dataDir: string, state: InstallState, now: number): Promise<string[]> {
  const notes: string[] = [];
  const drop: string[] = [];
  for (const [id, rec] of Object.entries(state.extensions)) {
    let next: ExtensionRecord | undefined = rec;
    for (const v of unflushedOf(rec)) {
      const problem = await checkVersionFiles(dataDir, id, rec, v);
      if (!problem) {
        await flushVersion(dataDir, id, v);
        next = next && clearMark(next, v.dir);
        notes.push(`${id}: ${v.version} was not known to be flushed; intact, now flushed`);
        continue;
      }
      const why = `${v.version} was damaged before it was flushed (a power cut?): ${problem}`;
      next = next && withoutVersion(next, v, now, why);
      drop.push(path.join(id, v.dir));
      notes.push(`${id}: ${why}; ${next ? `back to ${next.active}` : 'uninstalled'}`);
    }
    if (next === rec) continue;
    if (next) state.extensions[id] = next;
    else delete state.extensions[id];
  }
  if (!notes.length) return notes;
  await writeState(dataDir, state);
  crashPoint('unflushed settled');
  for (const rel of drop) await fsp.rm(path.join(extensionsRoot(dataDir), rel), { recursive: true, force: true });
  return notes;
}

/** Refuses a damaged unflushed version at activation (the caller could not take the lock to roll it back). */
export async function refuseIfDamaged(dataDir: string, id: string, ext: ExtensionRecord, rec: VersionRecord) {
  const problem = await checkVersionFiles(dataDir, id, ext, rec);
  if (problem)
    throw new PackageError(`${id} ${rec.version} is not intact (not yet flushed to disk): ${problem}`, 'refused');
}
