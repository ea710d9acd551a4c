/**
 * Installs a Python extension's vendored wheels (common/python-wheel.ts) into Python's in-memory
 * file system before `main` is imported. The host serves the wheel bytes with the SHA-256 the
 * signed index lists; each is hashed again here, before the interpreter loads, and a mismatch
 * fails the start with a reason naming the wheel (never a silent skip). Then the wheel is checked
 * as `warden build` checked it (pure Python, no traversal, links or bombs) and unpacked by
 * wheel-zip.ts, outside the Python Compartment, straight into the file system: Pyodide's own
 * package loader is never used, so nothing is fetched and nothing but these bytes is installed.
 * Total unpacked size is bounded.
 */
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import {
  inspectWheel,
  MAX_WHEELS,
  MAX_WHEELS_UNPACKED_BYTES,
  PYTHON_PACKAGES_DIR,
  WHEEL_INDEX_FILE,
} from '../common/python-wheel';
import type { ZipCodec } from '../common/wheel-zip';

/** Node's zlib for the platform-neutral zip reader (common/wheel-zip.ts). */
const zipCodec: ZipCodec = {
  inflateRaw: (data, maxBytes) => zlib.inflateRawSync(data, { maxOutputLength: maxBytes }),
  crc32: (data) => zlib.crc32(data),
  decodeUtf8: (data) => new TextDecoder('utf-8', { fatal: true }).decode(data),
};

/** The site folder the wheels unpack into; on sys.path after the extension's own folder. */
export const PYTHON_SITE_DIR = '/home/pyodide/site-packages';

export interface WheelInput {
  file: string;
  sha256: string;
  bytes: Uint8Array;
}

/** Wheels whose hashes and contents have been checked: what `installWheels` writes. */
export interface CheckedWheels {
  files: Array<{ path: string; data: Uint8Array }>;
  bytes: number;
}

interface PyLike {
  FS: { mkdirTree(p: string): void; writeFile(p: string, data: string | Uint8Array): void };
  runPython(code: string): unknown;
}

/**
 * Before the interpreter loads: each wheel's SHA-256 against the signed index, then its contents
 * (pure, no traversal, links or bombs) and the total unpacked size. Throws a reason naming the wheel.
 */
export function checkWheels(wheels: readonly WheelInput[] | undefined): CheckedWheels {
  const out: CheckedWheels = { files: [], bytes: 0 };
  if (!wheels || wheels.length === 0) return out;
  if (wheels.length > MAX_WHEELS) throw new Error(`more than ${MAX_WHEELS} wheels`);
  for (const w of wheels) {
    const rel = `${PYTHON_PACKAGES_DIR}/${w.file}`;
    const got = createHash('sha256').update(w.bytes).digest('hex');
    if (got !== w.sha256)
      throw new Error(
        `${rel} does not match its SHA-256 in the signed ${WHEEL_INDEX_FILE} (${got.slice(0, 12)}… instead of ${w.sha256.slice(0, 12)}…): the wheel was changed after the package was built; the extension cannot start (reinstall or rebuild it)`,
      );
    const wheel = inspectWheel(w.file, w.bytes, zipCodec);
    out.bytes += wheel.unpackedBytes;
    if (out.bytes > MAX_WHEELS_UNPACKED_BYTES)
      throw new Error(`${rel}: the wheels together unpack to more than ${MAX_WHEELS_UNPACKED_BYTES} bytes`);
    for (const f of wheel.files) out.files.push(f);
  }
  return out;
}

/** Writes checked wheels into the site folder and puts it on sys.path (after the extension's folder). */
export function installWheels(py: PyLike, wheels: CheckedWheels | undefined): void {
  if (!wheels || wheels.files.length === 0) return;
  for (const f of wheels.files) {
    const full = `${PYTHON_SITE_DIR}/${f.path}`;
    py.FS.mkdirTree(full.slice(0, full.lastIndexOf('/')));
    py.FS.writeFile(full, f.data);
  }
  py.runPython(
    `import sys, importlib\nif ${JSON.stringify(PYTHON_SITE_DIR)} not in sys.path:\n    sys.path.append(${JSON.stringify(PYTHON_SITE_DIR)})\nimportlib.invalidate_caches()\ndel sys, importlib`,
  );
}
