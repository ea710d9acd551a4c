/**
 * The extension process's entry file (dist/sandbox/bootstrap.cjs). It loads the sandbox bundle
 * (dist/sandbox/sandbox.cjs, whose first statement is lockdown()) through a V8 code cache, which
 * halves the cost of compiling SES on every start.
 *
 * Nothing untrusted exists yet when this runs: it reads and compiles one file of ours. The cache
 * is written right after the bundle's synchronous top level has run (lockdown, channel, runtime),
 * before the first message, and so before any extension code, is processed. V8 rejects a cache
 * whose source or flags differ; a rejected or unreadable cache only costs the time it would have
 * saved. (A process that escaped SES could overwrite the cache, but such a process already holds
 * the user's privileges: the cache adds no new reach.)
 */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

const CACHE_FLAG = '--code-cache-dir=';

/** SHA-256 of sandbox.cjs, computed at build time: hashing here would load node:crypto (~10 ms). */
declare const __SANDBOX_HASH__: string;

/** A short, stable tag for the flags this process runs with (V8 rejects a cache made with others). */
function flagsTag(): string {
  let h = 0x811c9dc5;
  for (const ch of `${process.version}\0${process.arch}\0${process.execArgv.join(' ')}`) {
    h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  }
  return h.toString(16);
}

function loadSandbox(): void {
  const bundlePath = path.join(__dirname, 'sandbox.cjs');
  const source = fs.readFileSync(bundlePath, 'utf8');
  const cacheArg = process.argv.find((a) => a.startsWith(CACHE_FLAG));
  const cacheDir = cacheArg?.slice(CACHE_FLAG.length);
  const cacheFile = cacheDir
    ? path.join(cacheDir, `sandbox-${__SANDBOX_HASH__.slice(0, 24)}-${flagsTag()}.v8cache`)
    : undefined;
  let cachedData: Buffer | undefined;
  if (cacheFile) {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: bundlePath, cachedData });
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  const mod = { exports: {} };
  fn(mod.exports, require, mod, bundlePath, __dirname);
  if (cacheFile && (!cachedData || script.cachedDataRejected)) writeCache(cacheFile, script.createCachedData());
}

function writeCache(file: string, data: Buffer): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data, { mode: 0o600 });
    fs.renameSync(tmp, file); // atomic: a concurrent reader sees the old file or the whole new one
  } catch {
    // best effort: the next start compiles again
  }
}

loadSandbox();
