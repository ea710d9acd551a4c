/**
 * The Python runtime's files and memory snapshot, verified once per file identity (docs/python.md,
 * "Start-up"), as the V8 start-up snapshot is (process/snapshot-builder.ts, whose identity and
 * hashing this reuses): the first time the host sees a file at an identity (device, inode, size,
 * mtime, ctime) it hashes it; while the file keeps that identity it is not hashed again. Any write
 * or replacement changes the identity (no unprivileged process can set ctime back), so the next
 * start hashes it again, and a mismatch refuses it. The sandbox is told the identity and checks it
 * on the descriptor it reads through (sandbox/verified-read.ts), so a change after this check is
 * caught there.
 *
 * What was verified is remembered in memory and in a record beside the snapshots, in the
 * code-cache folder (`python-verified.json`): only the host writes that folder (0700), and the OS
 * wall keeps it read-only to extension processes, exactly as for the snapshot and its `.sha256`,
 * which the host already trusts. Whoever could forge the record could replace the snapshot and
 * its hash, or Warden's own files, too. The record lets a one-shot `warden run` skip the hashing.
 * Any doubt (no record, unreadable, malformed, another identity, another hash) is a full hash.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { FILE_IDENTITY_RE } from '../../common/file-identity';
import { parseStrictJson } from '../../common/strict-json';
import { fingerprintOf, hashFile } from '../process/snapshot-builder';

export interface VerifiedFile {
  sha256: string;
  /** The identity it was verified at (common/file-identity.ts). */
  identity: string;
}

export const VERIFIED_RECORD = 'python-verified.json';
/** Entries a record keeps (the runtime's files and a few snapshots; the oldest go first). */
const MAX_ENTRIES = 256;
const MAX_RECORD_BYTES = 64 * 1024;
const HEX64 = /^[0-9a-f]{64}$/;

/** identity → SHA-256, per record folder ('' for none: memory only). */
const known = new Map<string, Map<string, string>>();
const pending = new Map<string, Promise<VerifiedFile | undefined>>();

function loadRecord(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  try {
    const file = path.join(dir, VERIFIED_RECORD);
    const st = fs.lstatSync(file);
    if (!st.isFile() || st.size > MAX_RECORD_BYTES) return out;
    const v = parseStrictJson(fs.readFileSync(file, 'utf8')) as { version?: unknown; files?: unknown } | null;
    if (!v || typeof v !== 'object' || v.version !== 1 || !v.files || typeof v.files !== 'object') return out;
    const entries = Object.entries(v.files as Record<string, unknown>);
    if (entries.length > MAX_ENTRIES) return out;
    for (const [id, sha] of entries) {
      // One bad entry and the whole record is doubted: every file is hashed again.
      if (!FILE_IDENTITY_RE.test(id) || typeof sha !== 'string' || !HEX64.test(sha)) return new Map();
      out.set(id, sha);
    }
  } catch {
    // no record (or unreadable): every file is hashed once
  }
  return out;
}

function recordFor(dir: string | undefined): Map<string, string> {
  const key = dir ?? '';
  let m = known.get(key);
  if (!m) {
    m = dir ? loadRecord(dir) : new Map();
    known.set(key, m);
  }
  return m;
}

function saveRecord(dir: string, m: Map<string, string>): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(dir, `${VERIFIED_RECORD}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify({ version: 1, files: Object.fromEntries(m) }), { mode: 0o600 });
    fs.renameSync(tmp, path.join(dir, VERIFIED_RECORD));
  } catch {
    // not remembered across runs: the next host process hashes once more
  }
}

/**
 * `file` when its bytes hash to `sha256`: hashed only when its current identity was not verified
 * for that hash before. undefined: missing, unreadable, changed while hashed, or other bytes.
 * `recordDir`: the folder of the record that keeps verifications across host processes.
 */
export function verifyFile(file: string, sha256: string, recordDir?: string): Promise<VerifiedFile | undefined> {
  const identity = fingerprintOf(file);
  if (!identity) return Promise.resolve(undefined);
  const record = recordFor(recordDir);
  if (record.get(identity) === sha256) return Promise.resolve({ sha256, identity });
  const key = `${recordDir ?? ''}\0${identity}\0${sha256}`;
  let p = pending.get(key);
  if (!p) {
    p = (async () => {
      const got = await hashFile(file).catch(() => undefined);
      // Changed while it was read: what was hashed may not be what has this identity.
      if (got !== sha256 || fingerprintOf(file) !== identity) return undefined;
      remember(record, identity, sha256, recordDir);
      return { sha256, identity };
    })().finally(() => pending.delete(key));
    pending.set(key, p);
  }
  return p;
}

/**
 * `verifyFile` for a synchronous caller (an installed package's vendored runtime, checked against
 * its signature at every activation: python-package-runtime.ts): true when `file` hashes to
 * `sha256`, hashing only when its identity was not verified for that hash before.
 */
export function verifyFileSync(file: string, sha256: string, recordDir?: string): boolean {
  const identity = fingerprintOf(file);
  if (!identity) return false;
  const record = recordFor(recordDir);
  if (record.get(identity) === sha256) return true;
  let got: string;
  try {
    got = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return false;
  }
  if (got !== sha256 || fingerprintOf(file) !== identity) return false;
  remember(record, identity, sha256, recordDir);
  return true;
}

function remember(record: Map<string, string>, identity: string, sha256: string, recordDir?: string): void {
  record.delete(identity);
  record.set(identity, sha256);
  while (record.size > MAX_ENTRIES) record.delete(record.keys().next().value!);
  if (recordDir) saveRecord(recordDir, record);
}

/**
 * The host runtime's files (`dir`/runtime.json lists them with their SHA-256), each verified:
 * name → { sha256, identity }. Throws naming the first file that does not match; undefined when
 * the list itself cannot be read (the sandbox then hashes every file against its own list).
 */
export async function verifyRuntimeDir(
  dir: string,
  files: Record<string, string>,
  recordDir?: string,
): Promise<Record<string, VerifiedFile>> {
  const names = Object.keys(files).sort();
  const results = await Promise.all(names.map((n) => verifyFile(path.join(dir, n), files[n]!, recordDir)));
  const out: Record<string, VerifiedFile> = {};
  names.forEach((n, i) => {
    const v = results[i];
    if (!v) throw new RuntimeMismatch(n);
    out[n] = v;
  });
  return out;
}

/** A runtime file that is missing or does not hash to its listed SHA-256. */
export class RuntimeMismatch extends Error {
  constructor(readonly file: string) {
    super(`the Python runtime file ${file} does not match this build of Warden`);
    this.name = 'RuntimeMismatch';
  }
}
