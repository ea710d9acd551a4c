/**
 * Writes the sandbox's V8 code cache from the host's side: a confined extension process may read
 * the cache but write nowhere, and a cache that every process runs before lockdown() must not be
 * writable by any one of them. The writer is an unconfined warm-up run of Warden's own loader
 * (`--code-cache-prime`): it compiles and runs the sandbox's top level, writes the cache and
 * exits, with no extension code ever sent to it.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import { CODE_CACHE_FLAG, CODE_CACHE_PRIME_FLAG, codeCacheFileName, codeCacheTag } from '../../common/code-cache-key';

export interface CodeCachePrimerOptions {
  runtime: string;
  bootstrapPath: string;
  cacheDir: string;
  env: NodeJS.ProcessEnv;
}

export interface CodeCachePrimer {
  /** Starts a warm-up for these runtime flags unless the cache exists or one already runs. */
  ensure(runtimeFlags: string[]): void;
}

export function createCodeCachePrimer(o: CodeCachePrimerOptions): CodeCachePrimer {
  const started = new Set<string>();
  let sandboxHash: string | undefined | null;
  const hash = () => {
    if (sandboxHash === undefined) {
      try {
        const file = path.join(path.dirname(o.bootstrapPath), 'sandbox.cjs');
        sandboxHash = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      } catch {
        sandboxHash = null; // no sandbox.cjs beside the entry (a test's own bootstrap): no cache
      }
    }
    return sandboxHash;
  };
  // The folder exists before any child starts: the wall grants read beneath existing paths only.
  try {
    fs.mkdirSync(o.cacheDir, { recursive: true, mode: 0o700 });
  } catch {
    // unwritable data folder: children compile without a cache
  }
  return {
    ensure(runtimeFlags) {
      const h = hash();
      if (!h) return;
      const tag = codeCacheTag(process.version, process.arch, runtimeFlags);
      if (started.has(tag)) return;
      started.add(tag);
      if (fs.existsSync(path.join(o.cacheDir, codeCacheFileName(h, tag)))) return;
      try {
        const child = spawn(
          o.runtime,
          [
            ...runtimeFlags,
            o.bootstrapPath,
            `${CODE_CACHE_FLAG}${o.cacheDir}`,
            `${CODE_CACHE_PRIME_FLAG}=${process.pid}`,
          ],
          { stdio: ['ignore', 'ignore', 'ignore', 'pipe'], env: o.env, windowsHide: true },
        );
        child.on('error', () => {}); // best effort: children compile without a cache
        const channel = child.stdio[3] as Socket | null;
        channel?.on('error', () => {});
        channel?.resume();
        // Kept referenced: a one-shot CLI waits for it (~0.1 s, once per cache) rather than leave
        // an orphan writing into a data folder that may be going away. One orphaned by a killed
        // host writes nothing (the loader checks that its parent is still this host).
      } catch {
        // as above
      }
    },
  };
}
