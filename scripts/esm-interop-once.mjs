// An esbuild plugin for CommonJS bundles: esbuild's `__toESM` helper runs once per importing
// module and copies every export of the imported CommonJS module as a getter, so the ~35 modules
// of the core that `import fs from 'node:fs'` made ~35 copies of node:fs's ~100 exports (~1 ms
// each: ~40 ms of every `warden run`'s start, and the garbage they leave). The copies are
// identical and only ever read, so the bundle keeps one per module (and per interop mode).
import fs from 'node:fs';

// esbuild's helper, as written minified or not (esbuild 0.2x): `__toESM = (mod, isNodeMode, target) =>`.
const HELPER = /\b__toESM(\s*=\s*\(\w+,\s*\w+,\s*\w+\)\s*=>)/g;

const ONCE = [
  '',
  '// scripts/esm-interop-once.mjs: one interop namespace per CommonJS module, not one per importer.',
  'var __toESMOnce;',
  'function __toESM(mod, isNodeMode) {',
  '  if (mod == null || (typeof mod !== "object" && typeof mod !== "function")) return __toESMEach(mod, isNodeMode);',
  '  var seen = (__toESMOnce ??= [new WeakMap(), new WeakMap()])[isNodeMode ? 1 : 0];',
  '  var ns = seen.get(mod);',
  '  if (ns === undefined) seen.set(mod, (ns = __toESMEach(mod, isNodeMode)));',
  '  return ns;',
  '}',
  '',
].join('\n');

/** Rewrites `file` (a CommonJS bundle) in place; a bundle without the helper is left as it is. */
export function interopOnce(file) {
  const src = fs.readFileSync(file, 'utf8');
  const found = src.match(HELPER) ?? [];
  if (found.length === 0) {
    // No helper, no use: an esbuild that renamed it would leave calls behind, which is an error.
    if (/\b__toESM\(/.test(src)) throw new Error(`${file}: __toESM is called but its definition was not recognised`);
    return;
  }
  if (found.length !== 1) throw new Error(`${file}: ${found.length} definitions of __toESM`);
  fs.writeFileSync(file, src.replace(HELPER, '__toESMEach$1') + ONCE);
}

/** The plugin: rewrites the build's `outfile` once esbuild has written it. */
export const esmInteropOnce = {
  name: 'esm-interop-once',
  setup(b) {
    b.onEnd((result) => {
      if (result.errors.length === 0 && b.initialOptions.outfile) interopOnce(b.initialOptions.outfile);
    });
  },
};
