/**
 * The extension process's entry file (dist/sandbox/bootstrap.cjs). It loads the sandbox bundle
 * (dist/sandbox/sandbox.cjs, whose first statement is lockdown()) through a V8 code cache, which
 * halves the cost of compiling SES on every start.
 *
 * An extension process only reads the cache. It is written by the host's warm-up run of this same
 * file (`--code-cache-prime`: no extension code ever reaches that process), right after the
 * bundle's synchronous top level has run (lockdown, channel, runtime), and the process exits.
 * Every extension process runs the cached code before lockdown(), so one that escaped SES must
 * not be able to write it: under the OS wall the folder is read-only, and with SES only no child
 * writes it either. V8 rejects a cache whose source or flags differ; a rejected or unreadable
 * cache only costs the time it would have saved.
 */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { CODE_CACHE_FLAG, CODE_CACHE_PRIME_FLAG, codeCacheFileName, codeCacheTag } from '../common/code-cache-key';

/** SHA-256 of sandbox.cjs, computed at build time: hashing here would load node:crypto (~10 ms). */
declare const __SANDBOX_HASH__: string;

function loadSandbox(): void {
  const bundlePath = path.join(__dirname, 'sandbox.cjs');
  const source = fs.readFileSync(bundlePath, 'utf8');
  const cacheArg = process.argv.find((a) => a.startsWith(CODE_CACHE_FLAG));
  const cacheDir = cacheArg?.slice(CODE_CACHE_FLAG.length);
  // `--code-cache-prime=<host pid>`: the warm-up writes only while that host is still its parent.
  const primeArg = process.argv.find((a) => a.startsWith(`${CODE_CACHE_PRIME_FLAG}=`));
  const prime = primeArg !== undefined;
  const cacheFile = cacheDir
    ? path.join(
        cacheDir,
        codeCacheFileName(__SANDBOX_HASH__, codeCacheTag(process.version, process.arch, process.execArgv)),
      )
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
  if (prime) {
    // A host that died (a killed CLI) may be removing its data folder: write nothing after it.
    const host = Number(primeArg.slice(CODE_CACHE_PRIME_FLAG.length + 1));
    const stale = !cachedData || script.cachedDataRejected;
    if (cacheFile && stale && process.ppid === host) writeCache(cacheFile, script.createCachedData());
    process.exit(0);
  }
}

function writeCache(file: string, data: Buffer): void {
  // The host made the folder; one that is gone is not recreated.
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, data, { mode: 0o600 });
    fs.renameSync(tmp, file); // atomic: a concurrent reader sees the old file or the whole new one
  } catch {
    fs.rmSync(tmp, { force: true }); // best effort: the next start compiles again
  }
}

loadSandbox();
