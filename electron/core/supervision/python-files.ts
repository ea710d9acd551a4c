/**
 * The Python files of a Python extension (docs/python.md): every `.py` beneath the folder that
 * holds `main`, except hidden folders, `__pycache__` and `node_modules`. `warden pack` ships
 * exactly these (so the signature covers them) and activation sends exactly these to the sandbox,
 * where they are written to Python's in-memory file system. Bounded: a child cannot make the host
 * read an unbounded tree, and the init message must stay below the channel's limit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { WardenError } from '../../common/errors';

export const MAX_PYTHON_FILES = 500;
export const MAX_PYTHON_BYTES = 8 * 1024 * 1024;
const SKIP_DIRS = new Set(['__pycache__', 'node_modules']);

/** Relative paths (forward slashes) of the extension's .py files, main included, sorted. */
export function pythonSourceFiles(dir: string, main: string): string[] {
  const base = main.includes('/') ? main.slice(0, main.lastIndexOf('/')) : '';
  const out: string[] = [];
  const walk = (rel: string) => {
    const full = path.join(dir, ...rel.split('/').filter(Boolean));
    for (const d of fs.readdirSync(full, { withFileTypes: true })) {
      const child = rel ? `${rel}/${d.name}` : d.name;
      if (d.name.startsWith('.')) continue;
      if (d.isDirectory()) {
        if (!SKIP_DIRS.has(d.name)) walk(child);
      } else if (d.isFile() && d.name.endsWith('.py')) {
        out.push(child);
        if (out.length > MAX_PYTHON_FILES) throw new Error(`more than ${MAX_PYTHON_FILES} .py files`);
      }
    }
  };
  walk(base);
  return out.sort();
}

/**
 * The text of each .py file other than main, bounded in total size. For an installed package,
 * `signed` is its signed file list: every .py file must be in it with the same SHA-256, as `main`
 * must (activation.ts) — a module changed or added on disk after install must not run under the
 * package's trust, and `import` would pick up an added one.
 */
export function readPythonFiles(
  dir: string,
  main: string,
  signed?: Readonly<Record<string, string>>,
): Record<string, string> {
  const files: Record<string, string> = {};
  let total = 0;
  for (const rel of pythonSourceFiles(dir, main)) {
    if (rel === main) continue;
    const full = path.join(dir, ...rel.split('/'));
    const st = fs.lstatSync(full);
    if (!st.isFile()) continue; // links are not followed
    total += st.size;
    if (total > MAX_PYTHON_BYTES) throw new Error(`the .py files are larger than ${MAX_PYTHON_BYTES} bytes`);
    const bytes = fs.readFileSync(full);
    if (signed) {
      const want = signed[rel];
      if (want === undefined)
        throw new WardenError('EPERM', `${rel} is not part of the signed package (added after install); reinstall it`, {
          reason: 'policy',
        });
      if (createHash('sha256').update(bytes).digest('hex') !== want)
        throw new WardenError(
          'EPERM',
          `${rel} does not match the signed package (changed after install); reinstall it`,
          {
            reason: 'policy',
          },
        );
    }
    files[rel] = bytes.toString('utf8');
  }
  return files;
}
