// Builds what runs outside the test runner: the sandbox bootstrap (one CJS file with SES), the
// CLI, the core API for benchmarks, and the example extensions. Fast (esbuild), so `npm test`
// and `npm install` (prepare) always run it.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { esmInteropOnce } from './esm-interop-once.mjs';
import { releaseLockdownTables } from './release-lockdown-tables.mjs';

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

// The OS wall's helper (Linux, when a C compiler exists; otherwise it says so and continues).
const { buildConfine } = await import(path.join(root, 'scripts', 'build-confine.mjs'));
buildConfine(root, { quiet: !!process.env.WARDEN_QUIET_BUILD });

// electron/main takes a few utilities (logger, launcher helpers) from the core's front door,
// electron/core/index.ts, and loads the core itself at run time from dist/core. The core's modules
// do nothing when imported, so saying so lets esbuild drop what main does not use instead of
// bundling a second copy of the core (with undici, tar, acorn) into it.
const coreDir = path.join(root, 'electron', 'core') + path.sep;
const coreHasNoSideEffects = {
  name: 'core-has-no-side-effects',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      const { resolveDir, kind, importer } = args;
      const r = await b.resolve(args.path, { resolveDir, kind, importer, pluginData: 'resolving' });
      if (r.errors.length || !r.path.startsWith(coreDir)) return undefined;
      return { path: r.path, sideEffects: false };
    });
  },
};

// zod re-exports its 64 message locales (0.3 MB) as `z.locales`; Warden uses none of them but
// English, zod's default, which zod/v4/classic/schemas.js imports itself. The CLI's run bundles,
// read on every `warden run`, and the sandbox bundle, parsed by every extension process, keep
// `z.locales.en` only.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir)
        ? { path: path.join(args.resolveDir, '..', 'locales', 'index.js'), namespace: 'zod-english-only' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: "export { default as en } from './en.js';\n",
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};

// The Python runtime (Warden-patched Pyodide, dist/sandbox/python/): the sandbox bundle embeds
// the hashes of its files and checks them before Python reads a byte (docs/python.md).
const { buildPythonRuntime } = await import(path.join(root, 'scripts', 'build-python-runtime.mjs'));
const pythonRuntime = await buildPythonRuntime(root);

// Both sandbox bundles without comments or indentation: the start-up snapshot keeps the whole
// source as a V8 string in the blob every process reads and deserialises, and one non-Latin-1
// character in a comment doubles that string (UTF-16). Names stay, so stacks stay readable.
const sandboxCommon = { ...common, minifyWhitespace: true };

// The sandbox first: the loader embeds its hash (the code-cache key) so it need not hash at start.
await build({
  ...sandboxCommon,
  entryPoints: ['electron/sandbox/bootstrap.ts'],
  outfile: 'dist/sandbox/sandbox.cjs',
  define: { __PYTHON_RUNTIME_FILES__: JSON.stringify(pythonRuntime.files) },
  plugins: [zodEnglishOnly],
});
const sandboxHash = createHash('sha256')
  .update(fs.readFileSync(path.join(root, 'dist/sandbox/sandbox.cjs')))
  .digest('hex');

await Promise.all([
  // snapshot.cjs is the entry of the start-up snapshot the host builds from it (lockdown inside
  // the blob: electron/core/process/snapshot-builder.ts); one file, as --build-snapshot requires.
  build({
    ...sandboxCommon,
    entryPoints: ['electron/sandbox/snapshot-entry.ts'],
    outfile: 'dist/sandbox/snapshot.cjs',
    define: { __PYTHON_RUNTIME_FILES__: JSON.stringify(pythonRuntime.files) },
    plugins: [zodEnglishOnly],
  }).then(() => releaseLockdownTables(path.join(root, 'dist/sandbox/snapshot.cjs'))),
  // bootstrap.cjs is the process entry: it loads sandbox.cjs (lockdown first) via a V8 code cache.
  build({
    ...common,
    entryPoints: ['electron/sandbox/loader.ts'],
    outfile: 'dist/sandbox/bootstrap.cjs',
    define: { __SANDBOX_HASH__: JSON.stringify(sandboxHash) },
  }),
  // The CLI: ES modules split per command (main.ts imports each command when it runs), so a
  // command loads only its own code; dist/cli/warden.cjs is a tiny CommonJS door to it.
  build({
    ...common,
    entryPoints: { main: 'extensions/sdk/cli/entry.ts' },
    outdir: 'dist/cli',
    format: 'esm',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // The CycloneDX library (warden build's SBOM) stays a runtime dependency like esbuild: its
    // optional validators and XML writers are plug-ins it loads only when present.
    external: ['esbuild', '@cyclonedx/cyclonedx-library'],
    plugins: [coreHasNoSideEffects],
    // Bundled CommonJS dependencies call require() and the core uses __dirname (dist/cli/…).
    banner: {
      js: [
        "import { createRequire as __wardenRequire } from 'node:module';",
        "import { fileURLToPath as __wardenPath } from 'node:url';",
        'const require = __wardenRequire(import.meta.url);',
        'const __filename = __wardenPath(import.meta.url);',
        "const __dirname = __wardenPath(new URL('.', import.meta.url));",
      ].join(' '),
    },
  }),
  // The one-shot `warden run` is two CommonJS bundles that the door, dist/cli/warden.cjs, loads
  // through a V8 code cache (ES modules cannot use one on Node 20): spare.cjs starts the sandbox
  // process, run.cjs is the rest. The door embeds their hashes (the caches' key), as the sandbox
  // loader does.
  Promise.all(
    [
      ['extensions/sdk/cli/run-spare.ts', 'dist/cli/spare.cjs'],
      ['extensions/sdk/cli/run-main.ts', 'dist/cli/run.cjs'],
    ].map(([entry, outfile]) =>
      build({
        ...common,
        entryPoints: [entry],
        outfile,
        // Read, decoded and hashed on every run: without comments and blanks it is ~40% smaller
        // and pure ASCII (read as latin1, not decoded). Names are kept: stacks stay readable.
        minifyWhitespace: true,
        minifySyntax: true,
        charset: 'ascii',
        // undici loads only when an extension fetches (gateways/net/pinned-exchange.ts imports it
        // lazily): a runtime dependency like esbuild, not 0.8 MB read on every run.
        external: ['esbuild', '@cyclonedx/cyclonedx-library', 'undici'],
        // import() becomes require(): a vm.Script (the code cache's loader) has no module loader.
        supported: { 'dynamic-import': false },
        plugins: [coreHasNoSideEffects, zodEnglishOnly, esmInteropOnce],
      }),
    ),
  ).then(() => {
    const hashOf = (f) =>
      createHash('sha256')
        .update(fs.readFileSync(path.join(root, f)))
        .digest('hex');
    return build({
      ...common,
      entryPoints: ['extensions/sdk/cli/door.ts'],
      outfile: 'dist/cli/warden.cjs',
      plugins: [esmInteropOnce],
      define: {
        __SPARE_BUNDLE_HASH__: JSON.stringify(hashOf('dist/cli/spare.cjs')),
        __RUN_BUNDLE_HASH__: JSON.stringify(hashOf('dist/cli/run.cjs')),
      },
    });
  }),
  build({
    ...common,
    entryPoints: ['electron/core/index.ts'],
    outfile: 'dist/core/index.cjs',
    external: ['esbuild'],
    plugins: [esmInteropOnce],
  }),
  // `warden/testing` (package.json "exports"): the test host extension authors import.
  build({
    ...common,
    entryPoints: ['extensions/sdk/testing/index.ts'],
    outfile: 'dist/testing/index.cjs',
    external: ['esbuild', '@cyclonedx/cyclonedx-library'],
  }),
]);

// Example extensions are real extensions: built with the same code path as `warden build`.
const { buildExamples } = await import(path.join(root, 'scripts', 'build-examples.mjs'));
await buildExamples(root);
if (!process.env.WARDEN_QUIET_BUILD) console.log('built dist/ (sandbox, cli, core) and examples');

// The Electron app: the main process and the preload, `electron` left to the runtime. The
// preload must stay one file: a sandboxed preload can load `electron` and nothing of ours.
await Promise.all([
  build({
    ...common,
    entryPoints: ['electron/main/index.ts'],
    outfile: 'dist/main/index.cjs',
    external: ['electron'],
    plugins: [coreHasNoSideEffects],
  }),
  build({
    ...common,
    entryPoints: ['electron/preload/index.ts'],
    outfile: 'dist/preload/index.cjs',
    external: ['electron'],
  }),
]);

// The renderer (React panel): one Vite build shared by the Electron window and headless mode.
// Skipped when dist/renderer is newer than every input, so test runs that rebuild dist/ stay fast.
const rendererInputs = ['renderer', 'electron/common', 'vite.config.ts', 'package-lock.json'];
const rendererStamp = path.join(root, 'dist', '.renderer-built');
const newestInput = (p) => {
  const full = path.join(root, p);
  if (!fs.existsSync(full)) return 0;
  const st = fs.statSync(full);
  if (!st.isDirectory()) return st.mtimeMs;
  return fs.readdirSync(full).reduce((max, name) => Math.max(max, newestInput(path.join(p, name))), st.mtimeMs);
};
const stampTime = fs.existsSync(rendererStamp) ? fs.statSync(rendererStamp).mtimeMs : 0;
if (process.env.WARDEN_FORCE_BUILD || rendererInputs.reduce((m, p) => Math.max(m, newestInput(p)), 0) > stampTime) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
  fs.writeFileSync(rendererStamp, `${new Date().toISOString()}\n`);
  if (!process.env.WARDEN_QUIET_BUILD) console.log('built dist/renderer');
}
