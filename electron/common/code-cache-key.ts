/**
 * The name of the sandbox's V8 code cache, shared by the loader (which reads it) and the host
 * (which writes it through an unconfined warm-up of Warden's own code: a confined extension
 * process can write nowhere, and a cache every process trusts must not be writable by one).
 */

/** Node flags that do not change what V8 compiles: the permission model's. */
const NEUTRAL_FLAG = /^--(experimental-permission|permission|allow-[a-z-]+)(=|$)/;

/** A short, stable tag for the runtime and flags (V8 rejects a cache made with other flags). */
export function codeCacheTag(version: string, arch: string, execArgv: readonly string[]): string {
  const flags = execArgv.filter((a) => !NEUTRAL_FLAG.test(a)).join(' ');
  let h = 0x811c9dc5;
  for (const ch of `${version}\0${arch}\0${flags}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16);
}

export function codeCacheFileName(sandboxSha256: string, tag: string): string {
  return `sandbox-${sandboxSha256.slice(0, 24)}-${tag}.v8cache`;
}

/** Loader argument naming the cache folder. */
export const CODE_CACHE_FLAG = '--code-cache-dir=';
/** Loader argument of the warm-up run (`=<host pid>`): write the cache while that host lives, then exit. */
export const CODE_CACHE_PRIME_FLAG = '--code-cache-prime';
