/**
 * Loads a CommonJS bundle of the CLI (dist/cli/run.cjs) through a V8 code cache, so a one-shot
 * command does not compile ~2 MB of JavaScript on every start (Node 20 has no
 * `module.enableCompileCache`). The cache lives in the user's data folder (`<data>/cache/cli/`),
 * the only place the CLI writes; its name carries the bundle's SHA-256 (computed at build time)
 * and a tag of the runtime's version, architecture and flags (electron/common/code-cache-key.ts,
 * the scheme the sandbox's cache uses).
 *
 * Release builds of V8 do not checksum a code cache, so the file carries its own SHA-256: a
 * truncated or altered file is never handed to V8. One that V8 refuses (another V8, other flags,
 * another source) is reported by `cachedDataRejected`. Either way the bundle compiles from source
 * and `save()` writes a fresh cache; a cache that cannot be read or written only costs time.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { codeCacheTag } from '../../../electron/common/code-cache-key';

/** File header: the format, then the payload's SHA-256. */
const MAGIC = Buffer.from('warden-cli-v8c 1');
const HEADER = MAGIC.length + 32;

/** hit: V8 took the cache; miss: none yet; corrupt: the file failed its own check; rejected: V8 refused it. */
export type CacheState = 'hit' | 'miss' | 'corrupt' | 'rejected' | 'off';

export interface LoadedBundle<T> {
  exports: T;
  cache: CacheState;
  /** Writes the cache unless V8 took it (call after the work, so the functions that ran are in it). */
  save(): void;
}

export function cliCacheFileName(bundleName: string, bundleSha256: string, execArgv = process.execArgv): string {
  const tag = codeCacheTag(process.version, process.arch, execArgv);
  return `${bundleName}-${bundleSha256.slice(0, 24)}-${tag}.v8cache`;
}

/** The cache's payload, or why there is none. */
function readCache(file: string): { data?: Buffer; state: CacheState } {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch {
    return { state: 'miss' };
  }
  const payload = raw.subarray(HEADER);
  const ok =
    raw.length > HEADER &&
    raw.subarray(0, MAGIC.length).equals(MAGIC) &&
    createHash('sha256').update(payload).digest().equals(raw.subarray(MAGIC.length, HEADER));
  return ok ? { data: payload, state: 'hit' } : { state: 'corrupt' };
}

function writeCache(file: string, payload: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const digest = createHash('sha256').update(payload).digest();
    fs.writeFileSync(tmp, Buffer.concat([MAGIC, digest, payload]), { mode: 0o600 });
    fs.renameSync(tmp, file); // atomic: a concurrent reader sees the old file or the whole new one
  } catch {
    // Read-only or odd data folder (a file where a folder should be): the next run compiles again.
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing was written
    }
  }
}

/**
 * Runs `bundlePath` as a CommonJS module. `cacheDir` undefined: no cache (compiled from source,
 * nothing written).
 */
export function loadBundle<T>(bundlePath: string, bundleSha256: string, cacheDir: string | undefined): LoadedBundle<T> {
  const bytes = fs.readFileSync(bundlePath);
  // The build writes it ASCII-only: then a latin1 read is a copy, not a UTF-8 decode (~1.4 MB).
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  const file = cacheDir
    ? path.join(cacheDir, cliCacheFileName(path.basename(bundlePath, '.cjs'), bundleSha256))
    : undefined;
  const read: { data?: Buffer; state: CacheState } = file ? readCache(file) : { state: 'off' };
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: bundlePath, cachedData: read.data });
  const cache: CacheState = read.data && script.cachedDataRejected ? 'rejected' : read.state;
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  const mod = { exports: {} as T };
  fn.call(mod.exports, mod.exports, createRequire(bundlePath), mod, bundlePath, path.dirname(bundlePath));
  let saved = false;
  return {
    exports: mod.exports,
    cache,
    save() {
      if (saved || !file || cache === 'hit') return;
      saved = true;
      writeCache(file, script.createCachedData());
    },
  };
}
