/**
 * Per-version memory snapshots of the Python runtime (docs/python.md, "Start-up"). The first
 * activation of a Python extension runs Warden's snapshot maker (`bootstrap.cjs
 * --python-snapshot=…`, no extension code) and waits for it; the host hashes the result and keeps
 * the hash beside it. Every activation passes file + hash to the sandbox, which checks the bytes
 * before it starts from them (a mismatch is a cold start, never a failure). The folder is the V8
 * code-cache folder: the OS wall lets extension processes read it and write nowhere, so no
 * extension process can plant a snapshot another one starts from.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseRuntimeInfo } from './python-package-runtime';
import { verifyFile, verifyRuntimeDir, type VerifiedFile } from './python-verified-files';

export interface PythonSnapshotOptions {
  /** dist/sandbox/bootstrap.cjs (the runtime files are in python/ beside it). */
  bootstrapPath: string;
  /** Where snapshots are kept: the code-cache folder children may read. */
  dir: string;
  /** The Node binary (default: this process's). */
  runtime?: string;
  /** Extra environment for it (the Electron app: `ELECTRON_RUN_AS_NODE=1`). */
  env?: Record<string, string>;
}

export interface PythonSnapshot {
  file: string;
  sha256: string;
  /** The identity the host verified it at (python-verified-files.ts). */
  identity?: string;
}

/** Longest a snapshot maker may run: a cold start takes 3 s quiet, much longer on a loaded machine. */
const MAKE_TIMEOUT_MS = 180_000;
const pending = new Map<string, Promise<PythonSnapshot | undefined>>();

/** The runtime's version key: the hash of its file list (python/runtime.json). */
function runtimeKey(bootstrapPath: string): string | undefined {
  try {
    const info = fs.readFileSync(path.join(path.dirname(bootstrapPath), 'python', 'runtime.json'));
    return createHash('sha256').update(info).update(process.version).digest('hex').slice(0, 32);
  } catch {
    return undefined;
  }
}

/**
 * The snapshot for this runtime version, verified (hashed once per file identity:
 * python-verified-files.ts), made first if there is none; undefined: start cold. A snapshot that
 * no longer matches its recorded hash is never used: it is deleted and made again.
 */
export async function pythonSnapshot(o: PythonSnapshotOptions): Promise<PythonSnapshot | undefined> {
  const key = runtimeKey(o.bootstrapPath);
  if (!key) return undefined;
  const file = path.join(o.dir, `python-${key}.snap`);
  const hashFile = `${file}.sha256`;
  let sha256: string | undefined;
  try {
    sha256 = fs.readFileSync(hashFile, 'utf8').trim();
  } catch {
    // not made yet
  }
  if (sha256 && /^[0-9a-f]{64}$/.test(sha256) && !pending.has(file)) {
    const v = await verifyFile(file, sha256, o.dir);
    if (v) return { file, sha256, identity: v.identity };
    // Missing, or changed since it was made (by someone other than this host's maker).
    fs.rmSync(file, { force: true });
    fs.rmSync(hashFile, { force: true });
  }
  let p = pending.get(file);
  if (!p) {
    p = make(o, file, hashFile)
      .then((made) => made && verifyFile(made.file, made.sha256, o.dir))
      .then((v) => (v ? { file, sha256: v.sha256, identity: v.identity } : undefined))
      .finally(() => pending.delete(file));
    pending.set(file, p);
  }
  return p;
}

/**
 * The host runtime's files (python/ beside the bootstrap), each verified against its runtime.json
 * (hashed once per file identity); the sandbox reads them without hashing while they keep the
 * identity verified. undefined: no list to verify against (the sandbox hashes each file itself).
 * Throws `RuntimeMismatch` naming a file that does not match.
 */
export async function pythonRuntimeVerified(
  o: PythonSnapshotOptions,
): Promise<Record<string, VerifiedFile> | undefined> {
  const dir = path.join(path.dirname(o.bootstrapPath), 'python');
  let files: Record<string, string>;
  try {
    files = parseRuntimeInfo(fs.readFileSync(path.join(dir, 'runtime.json'))).files;
  } catch {
    return undefined;
  }
  return verifyRuntimeDir(dir, files, o.dir);
}

async function make(o: PythonSnapshotOptions, file: string, hashFile: string): Promise<PythonSnapshot | undefined> {
  fs.mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const ok = await new Promise<boolean>((resolve) => {
      const child = spawn(o.runtime ?? process.execPath, [o.bootstrapPath, `--python-snapshot=${tmp}`], {
        stdio: 'ignore',
        env: { PATH: process.env.PATH ?? '', ...o.env },
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), MAKE_TIMEOUT_MS);
      child.on('error', () => resolve(false));
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code === 0);
      });
    });
    if (!ok) return undefined;
    const sha256 = createHash('sha256').update(fs.readFileSync(tmp)).digest('hex');
    fs.renameSync(tmp, file);
    fs.writeFileSync(`${hashFile}.tmp`, `${sha256}\n`, { mode: 0o600 });
    fs.renameSync(`${hashFile}.tmp`, hashFile);
    return { file, sha256 };
  } catch {
    return undefined;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
