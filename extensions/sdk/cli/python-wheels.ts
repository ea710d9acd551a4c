/**
 * `warden build` for a Python extension with third-party packages (docs/python.md "Third-party
 * packages"): checks the wheels in a local folder (`wheels/`, or `--wheels <dir>`) against
 * `requirements.lock` — SHA-256 pinned, name and version from the file name and METADATA, exactly
 * the pinned set, pure Python only, a zip with no traversal, links or bombs (python-wheel.ts) —
 * and vendors them into `python_packages/` with an index of their hashes, which `warden pack`
 * signs and the sandbox checks again before unpacking. There is no download: Warden never
 * contacts PyPI.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  inspectWheel,
  MAX_WHEEL_FILE_BYTES,
  MAX_WHEELS,
  MAX_WHEELS_TOTAL_BYTES,
  MAX_WHEELS_UNPACKED_BYTES,
  normalizeName,
  normalizeVersion,
  parseWheelFileName,
  PYTHON_PACKAGES_DIR,
  WHEEL_INDEX_FILE,
  WHEEL_INDEX_FORMAT,
  WheelError,
  type InspectedWheel,
  type WheelIndex,
} from '../../../electron/common/python-wheel';
import type { ZipCodec } from '../../../electron/common/wheel-zip';
import { CliError, EXIT_FAILED } from './usage';
import { LOCK_FILE, LockError, parseLock, type LockedPackage } from './python-lock';

export const DEFAULT_WHEELS_DIR = 'wheels';

/** Node's zlib for the platform-neutral zip reader (common/wheel-zip.ts). */
const zipCodec: ZipCodec = {
  inflateRaw: (data, maxBytes) => zlib.inflateRawSync(data, { maxOutputLength: maxBytes }),
  crc32: (data) => zlib.crc32(data),
  decodeUtf8: (data) => new TextDecoder('utf-8', { fatal: true }).decode(data),
};

export interface VendoredWheel extends InspectedWheel {
  sha256: string;
}

export interface VendorResult {
  /** Absent when the extension has no requirements.lock (nothing vendored). */
  lockFile?: string;
  wheels: VendoredWheel[];
}

const fail = (message: string, details: string[] = []): never => {
  throw new CliError(`build failed: ${message}`, EXIT_FAILED, details);
};

/** Removes what an earlier build vendored: the index and the wheels, nothing else. */
async function clearVendored(dir: string): Promise<void> {
  const out = path.join(dir, PYTHON_PACKAGES_DIR);
  const names = await fs.readdir(out).catch(() => [] as string[]);
  for (const n of names) if (n.endsWith('.whl') || n === 'index.json') await fs.rm(path.join(out, n), { force: true });
  await fs.rmdir(out).catch(() => {});
}

async function readLock(dir: string): Promise<LockedPackage[] | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, LOCK_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    return parseLock(text);
  } catch (err) {
    if (err instanceof LockError) return fail(err.message);
    throw err;
  }
}

async function wheelFiles(wheelsDir: string, shown: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(wheelsDir);
  } catch {
    return fail(
      `${LOCK_FILE} pins packages but there is no wheels folder ${shown}: put the pinned .whl files there or pass --wheels <dir> (Warden does not download from PyPI)`,
    );
  }
  const wheels = names.filter((n) => n.endsWith('.whl') && !n.startsWith('.')).sort();
  if (wheels.length > MAX_WHEELS) fail(`${shown} holds more than ${MAX_WHEELS} wheels`);
  return wheels;
}

/** Checks and vendors the wheels `requirements.lock` pins; with no lock, clears what was vendored. */
export async function vendorPythonWheels(dir: string, options: { wheelsDir?: string } = {}): Promise<VendorResult> {
  const lock = await readLock(dir);
  if (!lock) {
    if (options.wheelsDir) fail(`--wheels was given but ${dir} has no ${LOCK_FILE}`);
    await clearVendored(dir);
    return { wheels: [] };
  }
  const wheelsDir = options.wheelsDir ? path.resolve(options.wheelsDir) : path.join(dir, DEFAULT_WHEELS_DIR);
  const shown = options.wheelsDir ?? `${DEFAULT_WHEELS_DIR}/`;
  const byName = new Map(lock.map((p) => [normalizeName(p.name), p]));
  const chosen = new Map<string, { file: string; pkg: LockedPackage }>();
  for (const file of await wheelFiles(wheelsDir, shown)) {
    let distribution: string, version: string;
    try {
      ({ distribution, version } = parseWheelFileName(file));
    } catch (err) {
      if (err instanceof WheelError) return fail(err.message);
      throw err;
    }
    const key = normalizeName(distribution);
    const pkg = byName.get(key);
    if (!pkg) return fail(`${file}: ${distribution} is not pinned in ${LOCK_FILE} (extra wheel in ${shown})`);
    if (normalizeVersion(version) !== normalizeVersion(pkg.version))
      fail(`${file}: version ${version}, but ${LOCK_FILE}:${pkg.line} pins ${pkg.name}==${pkg.version}`);
    const other = chosen.get(key);
    if (other) fail(`${file}: a second wheel for ${pkg.name}==${pkg.version} (also ${other.file})`);
    chosen.set(key, { file, pkg });
  }
  const missing = lock.filter((p) => !chosen.has(normalizeName(p.name)));
  if (missing.length)
    fail(
      `${LOCK_FILE}:${missing[0]!.line} pins ${missing[0]!.name}==${missing[0]!.version} but ${shown} has no wheel for it`,
      missing.slice(1).map((p) => `also missing: ${p.name}==${p.version}`),
    );
  const vendored: Array<VendoredWheel & { bytes: Buffer }> = [];
  let total = 0;
  let unpacked = 0;
  for (const { file, pkg } of [...chosen.values()].sort((a, b) => (a.file < b.file ? -1 : 1))) {
    const full = path.join(wheelsDir, file);
    const st = await fs.stat(full);
    if (!st.isFile()) fail(`${file}: not a regular file`);
    if (st.size > MAX_WHEEL_FILE_BYTES) fail(`${file}: ${st.size} bytes, above the ${MAX_WHEEL_FILE_BYTES}-byte limit`);
    total += st.size;
    if (total > MAX_WHEELS_TOTAL_BYTES) fail(`the wheels together exceed ${MAX_WHEELS_TOTAL_BYTES} bytes`);
    const bytes = await fs.readFile(full);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (!pkg.sha256.includes(sha256))
      fail(
        `${file}: its SHA-256 ${sha256} matches no --hash for ${pkg.name}==${pkg.version} in ${LOCK_FILE}:${pkg.line} (a changed or substituted wheel?)`,
      );
    let inspected: InspectedWheel;
    try {
      inspected = inspectWheel(file, bytes, zipCodec);
    } catch (err) {
      if (err instanceof WheelError) return fail(err.message);
      throw err;
    }
    unpacked += inspected.unpackedBytes;
    if (unpacked > MAX_WHEELS_UNPACKED_BYTES)
      fail(`${file}: the wheels together unpack to more than ${MAX_WHEELS_UNPACKED_BYTES} bytes`);
    // The unpacked members were needed only to check them: not kept.
    vendored.push({ ...inspected, files: [], sha256, bytes });
  }
  await clearVendored(dir);
  const out = path.join(dir, PYTHON_PACKAGES_DIR);
  await fs.mkdir(out, { recursive: true });
  for (const w of vendored) await fs.writeFile(path.join(out, w.file), w.bytes);
  const index: WheelIndex = {
    format: WHEEL_INDEX_FORMAT,
    wheels: vendored.map((w) => ({ file: w.file, name: w.name, version: w.version, sha256: w.sha256 })),
  };
  await fs.writeFile(path.join(dir, ...WHEEL_INDEX_FILE.split('/')), `${JSON.stringify(index, null, 2)}\n`);
  return { lockFile: LOCK_FILE, wheels: vendored.map(({ bytes: _bytes, ...w }) => w) };
}
