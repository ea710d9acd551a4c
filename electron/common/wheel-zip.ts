/**
 * A bounded, refusing reader for the zip archives Python wheels are. Used by `warden build` to
 * check a wheel before vendoring it and by the sandbox to unpack it into Python's in-memory file
 * system, so both apply the same rules. Written against the central directory (the zip format's
 * own index) so every size, name and file type is known before a byte is inflated:
 *
 * - names: relative, forward slashes, no `..`, no drive letters, backslashes or control
 *   characters; no two names that fold to the same one;
 * - types: regular files and folders only (a symbolic link in a wheel is refused);
 * - sizes: each member and the sum below the caller's caps, judged on the declared sizes, and
 *   inflation stopped at the declared size (a member that inflates past it is a zip bomb);
 * - no encryption, no zip64, no overlapping members, only stored and deflated data.
 *
 * Platform-neutral: inflating, CRC-32 and UTF-8 decoding are passed in (`ZipCodec`; Node's zlib
 * in the CLI and the sandbox).
 */

export interface ZipLimits {
  entries: number;
  /** Largest unpacked member. */
  entryBytes: number;
  /** Sum of the unpacked members. */
  totalBytes: number;
}

/** What reading a zip needs from the platform. */
export interface ZipCodec {
  /** Raw deflate; must throw rather than produce more than `maxBytes`. */
  inflateRaw(data: Uint8Array, maxBytes: number): Uint8Array;
  crc32(data: Uint8Array): number;
  /** UTF-8 to text; must throw on invalid input. */
  decodeUtf8(data: Uint8Array): string;
}

export interface ZipEntry {
  name: string;
  directory: boolean;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Where the member's data starts in the archive. */
  dataOffset: number;
}

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const UNIX = 3;

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Why `name` may not be a member of a wheel, or undefined. */
export function memberNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 1024) return 'an empty or over-long name';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'a control character in its name';
  if (name.startsWith('/')) return 'an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'a drive-letter path';
  if (name.includes('\\')) return 'a backslash in its name';
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  if (segments.some((s) => s === '..')) return 'a ".." path (path traversal)';
  if (segments.some((s) => s === '' || s === '.')) return 'an empty or "." path segment';
  return undefined;
}

function findEnd(buf: Uint8Array, view: DataView): number {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= min; i--) if (view.getUint32(i, true) === EOCD_SIG) return i;
  throw new ZipError('not a zip archive (no end of central directory)');
}

/** The members of a zip archive, checked against `limits`; no data is inflated. */
export function listZip(buf: Uint8Array, limits: ZipLimits, codec: ZipCodec): ZipEntry[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 22) throw new ZipError('not a zip archive (too short)');
  const end = findEnd(buf, view);
  if (end >= 20 && view.getUint32(end - 20, true) === ZIP64_LOCATOR_SIG)
    throw new ZipError('zip64 archives are not supported');
  const disk = view.getUint16(end + 4, true);
  const cdDisk = view.getUint16(end + 6, true);
  const count = view.getUint16(end + 10, true);
  const cdSize = view.getUint32(end + 12, true);
  const cdOffset = view.getUint32(end + 16, true);
  if (disk !== 0 || cdDisk !== 0 || count !== view.getUint16(end + 8, true))
    throw new ZipError('multi-disk archives are not supported');
  if (count > limits.entries) throw new ZipError(`more than ${limits.entries} members`);
  if (cdOffset + cdSize > end) throw new ZipError('the central directory lies outside the archive');
  const entries: ZipEntry[] = [];
  const folded = new Set<string>();
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > end || view.getUint32(p, true) !== CENTRAL_SIG) throw new ZipError('a damaged central directory');
    const madeBy = view.getUint16(p + 4, true) >> 8;
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc32 = view.getUint32(p + 16, true);
    const compressedSize = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const external = view.getUint32(p + 38, true);
    const localOffset = view.getUint32(p + 42, true);
    if (p + 46 + nameLen > end) throw new ZipError('a damaged central directory');
    let name: string;
    try {
      name = codec.decodeUtf8(buf.subarray(p + 46, p + 46 + nameLen));
    } catch {
      throw new ZipError('a member name is not UTF-8');
    }
    p += 46 + nameLen + extraLen + commentLen;
    const problem = memberNameProblem(name);
    if (problem) throw new ZipError(`member "${name.slice(0, 200)}" has ${problem}`);
    const key = name.replace(/\/$/, '').normalize('NFC').toLowerCase();
    if (folded.has(key)) throw new ZipError(`member "${name}" appears twice`);
    folded.add(key);
    if (flags & 1) throw new ZipError(`member "${name}" is encrypted`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff)
      throw new ZipError('zip64 archives are not supported');
    const mode = madeBy === UNIX ? (external >>> 16) & S_IFMT : 0;
    if (mode === S_IFLNK) throw new ZipError(`member "${name}" is a symbolic link`);
    const directory = name.endsWith('/') || mode === S_IFDIR;
    if (mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR)
      throw new ZipError(`member "${name}" is not a regular file or folder`);
    if (directory && size !== 0) throw new ZipError(`folder member "${name}" has data`);
    if (method !== 0 && method !== 8) throw new ZipError(`member "${name}" uses compression method ${method}`);
    if (size > limits.entryBytes)
      throw new ZipError(`member "${name}" unpacks to ${size} bytes, above the ${limits.entryBytes}-byte limit`);
    total += size;
    if (total > limits.totalBytes)
      throw new ZipError(`the archive unpacks to more than ${limits.totalBytes} bytes (a zip bomb?)`);
    if (method === 0 && compressedSize !== size) throw new ZipError(`member "${name}" has inconsistent sizes`);
    if (localOffset + 30 > end || view.getUint32(localOffset, true) !== LOCAL_SIG)
      throw new ZipError(`member "${name}" has no local header`);
    const localNameLen = view.getUint16(localOffset + 26, true);
    const localExtraLen = view.getUint16(localOffset + 28, true);
    const localName = buf.subarray(localOffset + 30, localOffset + 30 + localNameLen);
    if (!sameBytes(localName, buf.subarray(p - extraLen - commentLen - nameLen, p - extraLen - commentLen)))
      throw new ZipError(`member "${name}" is named differently in its local header`);
    const dataOffset = localOffset + 30 + localNameLen + localExtraLen;
    if (dataOffset + compressedSize > cdOffset) throw new ZipError(`member "${name}" lies outside the archive`);
    entries.push({ name, directory, method, crc32, compressedSize, size, dataOffset });
  }
  // Members sharing bytes (one deflate stream counted many times) are a known bomb shape.
  const byOffset = [...entries].sort((a, b) => a.dataOffset - b.dataOffset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1]!;
    if (byOffset[i]!.dataOffset < prev.dataOffset + prev.compressedSize)
      throw new ZipError(`members "${prev.name}" and "${byOffset[i]!.name}" overlap`);
  }
  return entries;
}

/** One member's bytes; inflation stops at the declared size, and the CRC must match. */
export function readZipEntry(buf: Uint8Array, e: ZipEntry, codec: ZipCodec): Uint8Array {
  const raw = buf.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
  let out: Uint8Array;
  if (e.method === 0) out = raw;
  else {
    try {
      out = codec.inflateRaw(raw, Math.max(1, e.size));
    } catch {
      throw new ZipError(`member "${e.name}" inflates past its declared ${e.size} bytes or is damaged (a zip bomb?)`);
    }
  }
  if (out.length !== e.size) throw new ZipError(`member "${e.name}" does not unpack to its declared size`);
  if (codec.crc32(out) >>> 0 !== e.crc32) throw new ZipError(`member "${e.name}" fails its CRC check`);
  return out;
}
