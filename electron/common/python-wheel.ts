/**
 * Pure-Python wheels for Python extensions (docs/python.md "Third-party packages"): what a wheel
 * must be for Warden to ship and install it, checked by `warden build` before vendoring and again
 * by the sandbox before unpacking, and the vendored index both read.
 *
 * A wheel is accepted only when it is pure (file name tags `py3-none-any` or `py2.py3-none-any`,
 * `Root-Is-Purelib: true`, no compiled modules, no `.data` folder), its name and version agree in
 * the file name, the `.dist-info` folder and METADATA, and its zip passes wheel-zip.ts.
 */
import { listZip, readZipEntry, ZipError, type ZipCodec, type ZipEntry, type ZipLimits } from './wheel-zip';

/** Where `warden build` vendors wheels, and the index it writes there (signed by `warden pack`). */
export const PYTHON_PACKAGES_DIR = 'python_packages';
export const WHEEL_INDEX_FILE = `${PYTHON_PACKAGES_DIR}/index.json`;
export const WHEEL_INDEX_FORMAT = 1;

/** Caps for every wheel of one extension: they travel in the init message and unpack into memory. */
export const MAX_WHEELS = 200;
export const MAX_WHEEL_FILE_BYTES = 16 * 1024 * 1024;
/** All wheels together, as shipped (the init message holds them). */
export const MAX_WHEELS_TOTAL_BYTES = 16 * 1024 * 1024;
/** All wheels together, unpacked (Python's in-memory file system holds them). */
export const MAX_WHEELS_UNPACKED_BYTES = 64 * 1024 * 1024;
export const WHEEL_ZIP_LIMITS: ZipLimits = {
  entries: 10_000,
  entryBytes: 16 * 1024 * 1024,
  totalBytes: MAX_WHEELS_UNPACKED_BYTES,
};

export class WheelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WheelError';
  }
}

/** PEP 503: lower case, runs of `-`, `_` and `.` as one `-`. */
export const normalizeName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
/** Versions compare as written, ignoring case and a leading `v` (the wheel's file name escapes `-` as `_`). */
export const normalizeVersion = (v: string) => v.toLowerCase().replace(/^v/, '').replace(/_/g, '-');

const PURE_PYTHON_TAGS = new Set(['py3', 'py2.py3']);

export interface WheelName {
  distribution: string;
  version: string;
  tags: string;
}

/** `{distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl`, pure tags only. */
export function parseWheelFileName(file: string): WheelName {
  if (!/^[A-Za-z0-9][A-Za-z0-9._+!-]*\.whl$/.test(file) || file.length > 200)
    throw new WheelError(`${file}: not a wheel file name`);
  const parts = file.slice(0, -4).split('-');
  if (parts.length !== 5 && parts.length !== 6) throw new WheelError(`${file}: not a wheel file name`);
  const [distribution, version] = parts as [string, string];
  const [py, abi, platform] = parts.slice(-3) as [string, string, string];
  if (!PURE_PYTHON_TAGS.has(py) || abi !== 'none' || platform !== 'any')
    throw new WheelError(
      `${file}: not a pure-Python wheel (tags ${py}-${abi}-${platform}; only py3-none-any and py2.py3-none-any run in Warden)`,
    );
  return { distribution, version, tags: `${py}-${abi}-${platform}` };
}

/** RFC 822-style headers (METADATA, WHEEL): every value of each (lower-cased) field. */
export function parseHeaders(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break; // the body (a long description) follows
    if (/^[ \t]/.test(line) && last) {
      last[last.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const values = out.get(key) ?? [];
    values.push(line.slice(colon + 1).trim());
    out.set(key, values);
    last = values;
  }
  return out;
}

export interface InspectedWheel {
  file: string;
  /** As METADATA spells it. */
  name: string;
  version: string;
  /** Sum of the members' unpacked sizes. */
  unpackedBytes: number;
  metadata: Map<string, string[]>;
  /** Licence files in the .dist-info folder: path → text. */
  licenseFiles: Array<{ path: string; text: string }>;
  /** The members to unpack (folders left out), each inflated and CRC-checked. */
  files: Array<{ path: string; data: Uint8Array }>;
}

/** Native code and loader tricks a pure wheel never holds. */
const NATIVE = /\.(so|pyd|dylib|dll|wasm)$|\.so\.\d/i;

/** Checks a wheel's bytes (not its hash: the caller pins that); throws a WheelError naming the file. */
export function inspectWheel(
  file: string,
  bytes: Uint8Array,
  codec: ZipCodec,
  limits: ZipLimits = WHEEL_ZIP_LIMITS,
): InspectedWheel {
  const fileName = parseWheelFileName(file);
  const textOf = (b: Uint8Array) => {
    try {
      return codec.decodeUtf8(b);
    } catch {
      throw new WheelError(`${file}: a metadata file is not UTF-8`);
    }
  };
  let entries: ZipEntry[];
  try {
    entries = listZip(bytes, limits, codec);
  } catch (err) {
    throw new WheelError(`${file}: ${err instanceof ZipError ? err.message : 'not a readable zip archive'}`);
  }
  const read = (e: ZipEntry) => {
    try {
      return readZipEntry(bytes, e, codec);
    } catch (err) {
      throw new WheelError(`${file}: ${err instanceof ZipError ? err.message : 'a damaged member'}`);
    }
  };
  const distInfo = new Set<string>();
  for (const e of entries) {
    const top = e.name.split('/')[0]!;
    if (top.endsWith('.dist-info')) distInfo.add(top);
    if (top.endsWith('.data'))
      throw new WheelError(`${file}: has a .data folder (${top}); only pure-Python library wheels are supported`);
    if (NATIVE.test(e.name)) throw new WheelError(`${file}: holds native code (${e.name}); it is not pure Python`);
  }
  if (distInfo.size !== 1) throw new WheelError(`${file}: must have exactly one .dist-info folder`);
  const info = [...distInfo][0]!;
  const infoName = info.slice(0, -'.dist-info'.length);
  const dash = infoName.lastIndexOf('-');
  if (
    dash <= 0 ||
    normalizeName(infoName.slice(0, dash)) !== normalizeName(fileName.distribution) ||
    normalizeVersion(infoName.slice(dash + 1)) !== normalizeVersion(fileName.version)
  )
    throw new WheelError(`${file}: its folder ${info} names another distribution or version`);
  const member = (rel: string) => entries.find((e) => e.name === `${info}/${rel}` && !e.directory);
  for (const required of ['METADATA', 'WHEEL', 'RECORD'])
    if (!member(required)) throw new WheelError(`${file}: ${info}/${required} is missing`);
  const wheelMeta = parseHeaders(textOf(read(member('WHEEL')!)));
  if (wheelMeta.get('root-is-purelib')?.[0]?.toLowerCase() !== 'true')
    throw new WheelError(`${file}: WHEEL does not say Root-Is-Purelib: true; it is not a pure-Python wheel`);
  for (const tag of wheelMeta.get('tag') ?? []) {
    const [py, abi, platform] = tag.split('-');
    if (!py || !py.split('.').every((t) => t === 'py2' || t === 'py3') || abi !== 'none' || platform !== 'any')
      throw new WheelError(`${file}: WHEEL declares the tag ${tag}; it is not a pure-Python wheel`);
  }
  const metadata = parseHeaders(textOf(read(member('METADATA')!)));
  const name = metadata.get('name')?.[0];
  const version = metadata.get('version')?.[0];
  if (!name || !version) throw new WheelError(`${file}: METADATA has no Name or Version`);
  if (normalizeName(name) !== normalizeName(fileName.distribution))
    throw new WheelError(`${file}: METADATA names ${name}, the file name ${fileName.distribution}`);
  if (normalizeVersion(version) !== normalizeVersion(fileName.version))
    throw new WheelError(`${file}: METADATA says version ${version}, the file name ${fileName.version}`);
  const licenseFiles = entries
    .filter(
      (e) =>
        !e.directory &&
        e.name.startsWith(`${info}/`) &&
        /^(licen[cs]e|copying|notice|authors)/i.test(e.name.split('/').pop()!),
    )
    .slice(0, 20)
    .map((e) => ({ path: e.name, text: textOf(read(e)) }));
  // Every member is inflated now (bounded by its declared size): a damaged or lying member is
  // refused here, not found later.
  const files = entries.filter((e) => !e.directory).map((e) => ({ path: e.name, data: read(e) }));
  return {
    file,
    name,
    version,
    unpackedBytes: files.reduce((n, f) => n + f.data.length, 0),
    metadata,
    licenseFiles,
    files,
  };
}

/** One vendored wheel as the index lists it. */
export interface WheelIndexEntry {
  file: string;
  name: string;
  version: string;
  sha256: string;
}

export interface WheelIndex {
  format: typeof WHEEL_INDEX_FORMAT;
  wheels: WheelIndexEntry[];
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Checks a parsed index (strict JSON is the caller's): exact keys, bounded, unique files. */
export function checkWheelIndex(json: unknown): WheelIndex {
  const fail = (why: string): never => {
    throw new WheelError(`${WHEEL_INDEX_FILE}: ${why}; rebuild with: warden build`);
  };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(json) || Object.keys(json).sort().join() !== 'format,wheels') fail('not a Warden wheel index');
  const j = json as Record<string, unknown>;
  if (j.format !== WHEEL_INDEX_FORMAT) fail(`format ${String(j.format)} is not ${WHEEL_INDEX_FORMAT}`);
  if (!Array.isArray(j.wheels) || j.wheels.length > MAX_WHEELS) fail(`wheels must be a list of at most ${MAX_WHEELS}`);
  const seen = new Set<string>();
  const wheels = (j.wheels as unknown[]).map((w) => {
    if (!isObj(w) || Object.keys(w).sort().join() !== 'file,name,sha256,version') fail('a malformed wheel entry');
    const e = w as Record<string, unknown>;
    if (typeof e.file !== 'string' || typeof e.name !== 'string' || typeof e.version !== 'string')
      fail('a malformed wheel entry');
    if (typeof e.sha256 !== 'string' || !HEX64.test(e.sha256)) fail(`${String(e.file)}: sha256 is not 64 hex digits`);
    try {
      parseWheelFileName(e.file as string);
    } catch (err) {
      fail((err as Error).message);
    }
    if (seen.has(e.file as string)) fail(`${String(e.file)} is listed twice`);
    seen.add(e.file as string);
    return { file: e.file, name: e.name, version: e.version, sha256: e.sha256 } as WheelIndexEntry;
  });
  return { format: WHEEL_INDEX_FORMAT, wheels };
}
