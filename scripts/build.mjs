// Builds what runs outside the test runner: the sandbox bootstrap (one CJS file with SES), the
// CLI, the core API for benchmarks, and the example extensions. Fast (esbuild), so `npm test`
// and `npm install` (prepare) always run it.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // SES refuses to initialise in sloppy mode; esbuild's CJS output has no "use strict" of its own.
  banner: { js: '"use strict";' },
  logLevel: 'warning',
  legalComments: 'none',
  absWorkingDir: root,
};

// The sandbox first: the loader embeds its hash (the code-cache key) so it need not hash at start.
await build({ ...common, entryPoints: ['electron/sandbox/bootstrap.ts'], outfile: 'dist/sandbox/sandbox.cjs' });
const sandboxHash = createHash('sha256')
  .update(fs.readFileSync(path.join(root, 'dist/sandbox/sandbox.cjs')))
  .digest('hex');

await Promise.all([
  // bootstrap.cjs is the process entry: it loads sandbox.cjs (lockdown first) via a V8 code cache.
  build({
    ...common,
    entryPoints: ['electron/sandbox/loader.ts'],
    outfile: 'dist/sandbox/bootstrap.cjs',
    define: { __SANDBOX_HASH__: JSON.stringify(sandboxHash) },
  }),
  build({
    ...common,
    entryPoints: ['extensions/sdk/cli/entry.ts'],
    outfile: 'dist/cli/warden.cjs',
    external: ['esbuild'],
  }),
  build({ ...common, entryPoints: ['electron/core/index.ts'], outfile: 'dist/core/index.cjs', external: ['esbuild'] }),
]);

// Example extensions are real extensions: built with the same code path as `warden build`.
const { buildExamples } = await import(path.join(root, 'scripts', 'build-examples.mjs'));
await buildExamples(root);
if (!process.env.WARDEN_QUIET_BUILD) console.log('built dist/ (sandbox, cli, core) and examples');
