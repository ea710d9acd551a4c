/**
 * The Python runtime a package carries (docs/python.md, "Packaging"): `warden build` vendors
 * Warden's patched Pyodide into `python_runtime/` with its `runtime.json` (file → SHA-256), and
 * `warden pack` signs it. At every activation the host checks those files against the package's
 * signed hashes (and runtime.json), then:
 *
 * - bytes identical to the host's own runtime build → the host's copy runs, so the shared memory
 *   snapshot and the warm pool's Python spare serve it;
 * - other bytes (another Pyodide build, a modified glue) → that runtime runs, cold: copied once
 *   into the folder extension processes may read (named by its hashes, re-checked by the sandbox
 *   before it reads a byte), never snapshotted (the snapshot maker runs outside the OS wall and
 *   only ever runs the host's runtime) and never pooled. It runs in the same Compartment behind
 *   the same wall as the extension's own code, so it is not more authority;
 * - a file changed, missing or unsigned → refused, with the file named.
 *
 * A folder without `python_runtime/` (a developer folder) runs on the host's runtime.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WardenError } from '../../common/errors';
import { parseStrictJson } from '../../common/strict-json';

export const PYTHON_RUNTIME_DIR = 'python_runtime';
export const PYTHON_RUNTIME_INFO = 'runtime.json';
/** The files a runtime must have (scripts/build-python-runtime.mjs writes exactly these). */
const REQUIRED = ['pyodide-bundle.js', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];
const MAX_FILES = 64;
const MAX_INFO_BYTES = 64 * 1024;
const NAME = /^[A-Za-z0-9._-]{1,255}$/;
const HEX64 = /^[0-9a-f]{64}$/;

export interface RuntimeInfo {
  pyodide: string;
  files: Record<string, string>;
}

export type PythonRuntimeChoice =
  /** The host's own runtime (no vendored one, or the same bytes). */
  | { kind: 'host'; vendored: boolean }
  /** The package's own runtime, at a folder extension processes may read. */
  | { kind: 'package'; dir: string; files: Record<string, string>; pyodide: string };

export interface PythonRuntimeContext {
  /** The host's runtime folder (dist/sandbox/python); unknown: every vendored runtime is "other". */
  hostRuntimeDir?: string;
  /** Where a package's own runtime is copied for its processes to read (the code-cache folder). */
  cacheDir?: string;
  /**
   * Whether a file hashes to a SHA-256, hashing it only once per file identity
   * (python-verified-files.ts); default: hashed every time.
   */
  verifyFile?(file: string, sha256: string): boolean;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** runtime.json, checked field by field. */
export function parseRuntimeInfo(bytes: Buffer): RuntimeInfo {
  const v = parseStrictJson(bytes.toString('utf8')) as Record<string, unknown> | null;
  if (!v || typeof v !== 'object' || typeof v.pyodide !== 'string' || v.pyodide.length > 64)
    throw new Error('runtime.json has no pyodide version');
  const files = v.files as Record<string, unknown> | null;
  if (!files || typeof files !== 'object' || Array.isArray(files)) throw new Error('runtime.json has no file list');
  const entries = Object.entries(files);
  if (entries.length > MAX_FILES) throw new Error(`runtime.json lists more than ${MAX_FILES} files`);
  for (const [name, hash] of entries)
    if (!NAME.test(name) || name === PYTHON_RUNTIME_INFO || typeof hash !== 'string' || !HEX64.test(hash))
      throw new Error(`runtime.json: bad entry ${JSON.stringify(name.slice(0, 80))}`);
  for (const name of REQUIRED) if (!(name in files)) throw new Error(`runtime.json does not list ${name}`);
  return { pyodide: v.pyodide, files: files as Record<string, string> };
}

function refuse(message: string): never {
  throw new WardenError('EPERM', message, { reason: 'policy' });
}

/** The vendored runtime's files `warden pack` ships (runtime.json first); none without one. */
export function vendoredRuntimeFiles(extDir: string): string[] {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path.join(extDir, PYTHON_RUNTIME_DIR, PYTHON_RUNTIME_INFO));
  } catch {
    return [];
  }
  const info = parseRuntimeInfo(bytes);
  return [PYTHON_RUNTIME_INFO, ...Object.keys(info.files).sort()].map((n) => `${PYTHON_RUNTIME_DIR}/${n}`);
}

/** The host runtime's file list, or undefined when it cannot be read. */
function hostFiles(dir: string | undefined): Record<string, string> | undefined {
  if (!dir) return undefined;
  try {
    return parseRuntimeInfo(fs.readFileSync(path.join(dir, PYTHON_RUNTIME_INFO))).files;
  } catch {
    return undefined;
  }
}

const sameFiles = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/**
 * Which runtime runs this extension. `signed` is the package's signed file list (installed
 * packages); without it (a developer folder, an unsigned install) runtime.json is the only list.
 */
export function choosePythonRuntime(
  extDir: string,
  signed: Record<string, string> | undefined,
  ctx: PythonRuntimeContext,
): PythonRuntimeChoice {
  const rel = (name: string) => `${PYTHON_RUNTIME_DIR}/${name}`;
  const infoPath = path.join(extDir, PYTHON_RUNTIME_DIR, PYTHON_RUNTIME_INFO);
  const signedRuntime = signed ? Object.keys(signed).filter((k) => k.startsWith(`${PYTHON_RUNTIME_DIR}/`)) : [];
  let infoBytes: Buffer;
  try {
    const st = fs.lstatSync(infoPath);
    if (!st.isFile() || st.size > MAX_INFO_BYTES) refuse(`${rel(PYTHON_RUNTIME_INFO)} is not a small regular file`);
    infoBytes = fs.readFileSync(infoPath);
  } catch (err) {
    if (err instanceof WardenError) throw err;
    // No vendored runtime: the host's. A signed package that had one and lost it is refused.
    if (signedRuntime.length)
      refuse(`${rel(PYTHON_RUNTIME_INFO)} is missing from the installed package (changed after install); reinstall it`);
    return { kind: 'host', vendored: false };
  }
  if (signed && signed[rel(PYTHON_RUNTIME_INFO)] !== sha256(infoBytes))
    refuse(
      signed[rel(PYTHON_RUNTIME_INFO)]
        ? `${rel(PYTHON_RUNTIME_INFO)} does not match the signed package (changed after install); reinstall it`
        : `${rel(PYTHON_RUNTIME_INFO)} is not in the signed file list`,
    );
  let info: RuntimeInfo;
  try {
    info = parseRuntimeInfo(infoBytes);
  } catch (err) {
    refuse(`the package's Python runtime cannot be used: ${(err as Error).message}`);
  }
  // Every file, hashed now (once per file identity when the host keeps a record): the signature
  // covers it and runtime.json names it.
  for (const [name, want] of Object.entries(info.files)) {
    const signedHash = signed?.[rel(name)];
    if (signed && !signedHash) refuse(`${rel(name)} is not in the signed file list`);
    if (signedHash && signedHash !== want) refuse(`${rel(name)}: runtime.json and the package signature disagree`);
    const full = path.join(extDir, PYTHON_RUNTIME_DIR, name);
    let ok: boolean;
    try {
      if (!fs.lstatSync(full).isFile()) throw new Error('not a file');
      ok = ctx.verifyFile ? ctx.verifyFile(full, want) : sha256(fs.readFileSync(full)) === want;
    } catch {
      refuse(`${rel(name)} is missing from the package${signed ? ' (changed after install); reinstall it' : ''}`);
    }
    if (!ok)
      refuse(
        signed
          ? `${rel(name)} does not match the signed package (changed after install); reinstall it`
          : `${rel(name)} does not match ${rel(PYTHON_RUNTIME_INFO)}; rebuild with: warden build`,
      );
  }
  const own = hostFiles(ctx.hostRuntimeDir);
  if (own && sameFiles(own, info.files)) return { kind: 'host', vendored: true };
  return { kind: 'package', ...copyForProcesses(extDir, info, ctx.cacheDir), pyodide: info.pyodide };
}

/** Copies a package's own runtime (verified above) to the folder its processes may read. */
function copyForProcesses(
  extDir: string,
  info: RuntimeInfo,
  cacheDir: string | undefined,
): { dir: string; files: Record<string, string> } {
  if (!cacheDir) refuse(`this host has no folder to run a package's own Python runtime from`);
  const names = Object.keys(info.files).sort();
  const key = createHash('sha256')
    .update(names.map((n) => `${n}\0${info.files[n]}`).join('\n'))
    .digest('hex')
    .slice(0, 32);
  const dir = path.join(cacheDir, 'python-runtimes', key);
  // Reuse a copy already made (the sandbox re-checks every byte against these hashes anyway).
  const complete = names.every((n) => {
    try {
      return sha256(fs.readFileSync(path.join(dir, n))) === info.files[n];
    } catch {
      return false;
    }
  });
  if (!complete) {
    fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
    const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
    try {
      fs.mkdirSync(tmp, { mode: 0o700 });
      for (const n of names) fs.copyFileSync(path.join(extDir, PYTHON_RUNTIME_DIR, n), path.join(tmp, n));
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(tmp, dir);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return { dir, files: info.files };
}
