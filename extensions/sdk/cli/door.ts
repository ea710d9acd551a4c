/**
 * The `warden` process's first module (dist/cli/warden.cjs), kept small. The one-shot
 * `warden run` is two CommonJS bundles of its own loaded through a V8 code cache in the user's
 * data folder (code-cache.ts): spare.cjs starts the sandbox process (run-spare.ts), then run.cjs
 * (~1.4 MB: the core, the schemas) loads while that process starts. Compiling all of it from
 * source on every run was most of the host's start. Every other command is the ES-module CLI
 * split per command (main.mjs).
 */
import { mark } from './trace';

const [name, ...rest] = process.argv.slice(2);
mark('door loaded');
// Only `run` loads the cache loader: `warden --version` pays for none of it.
if (name === 'run') void import('./door-run').then((m) => m.oneShotRun(rest));
else {
  // Built beside this file (scripts/build.mjs); a path the bundler leaves as it is.
  const esm = './main.mjs';
  void import(esm);
}
