// Builds Warden's Python runtime from the `pyodide` npm package (docs/python.md): one script that
// runs *inside* a SES Compartment in Emscripten's shell mode, plus the files it reads. Output in
// dist/sandbox/python/ — beside the sandbox bundle, so the OS wall's grant of that folder covers
// it — with a manifest of SHA-256 hashes the sandbox checks before serving any byte to Python.
// The glue changes are the ones measured in ../shared/research/python-runtime.md §4 and §6; each
// is counted, and a count that differs from the expected one (a new Pyodide) fails the build.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

export const PYODIDE_VERSION = '314.0.8';
/** Files Python may read through `readbuffer`, copied unchanged (the wasm is capped at load time). */
const SHIPPED = ['pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];

/** Replaces every match of `re` (global) and checks how many there were. */
function substitute(text, re, to, expected, what) {
  let n = 0;
  const out = text.replace(re, (...m) => {
    n++;
    return typeof to === 'function' ? to(...m) : to;
  });
  if (expected !== undefined && n !== expected) {
    throw new Error(`python runtime: expected ${expected} ${what}, found ${n} (pyodide changed?)`);
  }
  return { out, n };
}

export async function buildPythonRuntime(root, opts = {}) {
  const require = createRequire(path.join(root, 'package.json'));
  const pkgDir = path.dirname(require.resolve('pyodide/package.json'));
  const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  if (version !== PYODIDE_VERSION) throw new Error(`python runtime: pyodide ${version}, expected ${PYODIDE_VERSION}`);
  const outDir = path.join(root, 'dist', 'sandbox', 'python');
  const stamp = path.join(outDir, 'runtime.json');
  const self = fs.readFileSync(new URL(import.meta.url));
  const buildKey = createHash('sha256').update(self).update(version).digest('hex');
  if (!opts.force && fs.existsSync(stamp)) {
    try {
      const prev = JSON.parse(fs.readFileSync(stamp, 'utf8'));
      if (prev.buildKey === buildKey) return prev;
    } catch {
      // rebuilt below
    }
  }
  fs.mkdirSync(outDir, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(outDir, '.build-'));
  try {
    // §4: Emscripten writes `.sig` onto the functions it imports; after lockdown() Math's
    // functions and clearTimeout are frozen, so each is wrapped in a fresh arrow function.
    let glue = fs.readFileSync(path.join(pkgDir, 'pyodide.asm.mjs'), 'utf8');
    glue = substitute(
      glue,
      /var (_emscripten_math_\w+)=Math\.(\w+);/g,
      (_m, v, fn) => `var ${v}=(...a)=>Math.${fn}(...a);`,
      25,
      'Math wrappers',
    ).out;
    glue = substitute(
      glue,
      /var _emscripten_clear_timeout=clearTimeout;/g,
      'var _emscripten_clear_timeout=(...a)=>clearTimeout(...a);',
      1,
      'clearTimeout wrapper',
    ).out;
    fs.writeFileSync(path.join(scratch, 'pyodide.asm.mjs'), glue);
    fs.copyFileSync(path.join(pkgDir, 'pyodide.mjs'), path.join(scratch, 'pyodide.mjs'));
    fs.writeFileSync(
      path.join(scratch, 'entry.mjs'),
      "export { loadPyodide } from './pyodide.mjs';\nexport { default as createPyodideModule } from './pyodide.asm.mjs';\n",
    );
    const result = await build({
      entryPoints: [path.join(scratch, 'entry.mjs')],
      bundle: true,
      format: 'iife',
      globalName: '__PY',
      platform: 'neutral',
      external: ['node:*', 'ws'],
      target: 'es2022',
      write: false,
      logLevel: 'error',
      legalComments: 'none',
    });
    let src = result.outputFiles[0].text;
    // §6: every dynamic import is Node-only; inside the Compartment it is a rejected promise.
    src = substitute(src, /\bimport\s*\(/g, '__noImport(', undefined, 'dynamic imports').out;
    // Shell mode would otherwise read randomness with os.system("head -c … /dev/urandom").
    src = substitute(
      src,
      /var initRandomFill = \(\) => \{/g,
      'var initRandomFill = () => { if (typeof crypto == "object" && crypto.getRandomValues) return (view) => crypto.getRandomValues(view);',
      1,
      'initRandomFill patch',
    ).out;
    // SES rejects source that looks like an HTML comment.
    src = src.replace(/<!--/g, '<\\!--').replace(/-->/g, '--\\>');
    src += '\n;__PY\n';
    const files = {};
    const hash = (b) => createHash('sha256').update(b).digest('hex');
    fs.writeFileSync(path.join(outDir, 'pyodide-bundle.js'), src);
    files['pyodide-bundle.js'] = hash(Buffer.from(src));
    for (const name of SHIPPED) {
      const b = fs.readFileSync(path.join(pkgDir, name));
      fs.writeFileSync(path.join(outDir, name), b);
      files[name] = hash(b);
    }
    const info = { pyodide: version, buildKey, files };
    fs.writeFileSync(stamp, `${JSON.stringify(info, null, 2)}\n`);
    return info;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
