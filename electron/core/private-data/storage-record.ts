/**
 * One `host.storage` entry on disk: a file named by the SHA-256 of its key (so any key string is
 * a safe file name: no separators, no `..`, no Windows device names, no case clashes), holding
 *
 *     warden-storage 1 <seq>\n      the format and the entry's creation order (for `keys()`)
 *     <key as JSON>\n
 *     <value as JSON>
 *
 * so the index (key → size) can be rebuilt from the first two lines without reading values.
 * A record is replaced whole (temp file, fsync, rename, fsync of the folder): a crash leaves the
 * old record or the new one, never a mix.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { constants as C } from 'node:fs';
import path from 'node:path';
import { WardenError } from '../../common/errors';

const MAGIC = 'warden-storage 1 ';
/** Enough for the first line and a 256-character key whose every character is escaped (6 bytes). */
const HEAD_BYTES = 4096;
/** A longer key line is not one this code wrote. */
const MAX_HEAD_BYTES = 256 * 1024;

export const RECORD_NAME = /^[0-9a-f]{64}$/;
export const TEMP_PREFIX = '.tmp-';

export const recordName = (key: string): string => crypto.createHash('sha256').update(key, 'utf8').digest('hex');

/**
 * The quota size of an entry, as the single-file store counted it: the JSON of the key and of the
 * value plus 2 (a separator and a comma).
 */
export const entrySize = (keyJsonBytes: number, valueJsonBytes: number): number => keyJsonBytes + valueJsonBytes + 2;

export interface RecordHead {
  key: string;
  seq: number;
  /** Where the value's JSON starts in the file. */
  valueOffset: number;
  /** `entrySize` of the record, from the file's size. */
  size: number;
}

const unreadable = () => new WardenError('EINTERNAL', 'the extension storage is unreadable');

/** Parses the two header lines of a record whose first bytes are `head` and whose size is `fileSize`. */
function parseHead(head: Buffer, fileSize: number): RecordHead | 'short' {
  const nl1 = head.indexOf(10);
  if (nl1 < 0) return 'short';
  const first = head.toString('utf8', 0, nl1);
  if (!first.startsWith(MAGIC)) throw unreadable();
  const seqText = first.slice(MAGIC.length);
  if (!/^\d{1,15}$/.test(seqText)) throw unreadable();
  const nl2 = head.indexOf(10, nl1 + 1);
  if (nl2 < 0) return 'short';
  let key: unknown;
  try {
    key = JSON.parse(head.toString('utf8', nl1 + 1, nl2));
  } catch {
    throw unreadable();
  }
  if (typeof key !== 'string') throw unreadable();
  const valueOffset = nl2 + 1;
  if (fileSize <= valueOffset) throw unreadable();
  return { key, seq: Number(seqText), valueOffset, size: entrySize(nl2 - nl1 - 1, fileSize - valueOffset) };
}

/** Opens a record without following links; ENOENT is returned as undefined. */
async function openRecord(file: string): Promise<fs.FileHandle | undefined> {
  try {
    return await fs.open(file, C.O_RDONLY | (C.O_NOFOLLOW ?? 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable();
  }
}

async function readHead(handle: fs.FileHandle, name: string): Promise<{ head: RecordHead; fileSize: number }> {
  const st = await handle.stat();
  if (!st.isFile()) throw unreadable();
  for (let want = HEAD_BYTES; ; want *= 4) {
    const n = Math.min(want, st.size, MAX_HEAD_BYTES);
    const buf = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buf, 0, n, 0);
    const head = parseHead(buf.subarray(0, bytesRead), st.size);
    if (head !== 'short') {
      if (recordName(head.key) !== name) throw unreadable();
      return { head, fileSize: st.size };
    }
    if (n >= st.size || n >= MAX_HEAD_BYTES) throw unreadable();
  }
}

/** The header of the record file `name` in `dir`, or undefined if there is none. */
export async function readRecordHead(dir: string, name: string): Promise<RecordHead | undefined> {
  const handle = await openRecord(path.join(dir, name));
  if (!handle) return undefined;
  try {
    return (await readHead(handle, name)).head;
  } finally {
    await handle.close();
  }
}

/**
 * The value of `key`, or undefined if it has no record. Only this one value is read; a record
 * larger than `maxBytes` is refused with E2BIG before anything is read.
 */
export async function readRecordValue(dir: string, key: string, maxBytes: number): Promise<unknown> {
  const name = recordName(key);
  const handle = await openRecord(path.join(dir, name));
  if (!handle) return undefined;
  try {
    const { head, fileSize } = await readHead(handle, name);
    if (head.key !== key) throw unreadable();
    const length = fileSize - head.valueOffset;
    if (length > maxBytes) {
      throw new WardenError('E2BIG', `the stored value is larger than ${maxBytes} bytes and cannot be returned`);
    }
    return decodeValue(await readText(handle, head.valueOffset, length));
  } finally {
    await handle.close();
  }
}

interface ValueText {
  /** The value's JSON as UTF-8, read whole. */
  bytes: Buffer;
  /** True when the JSON is one string literal with no escapes: its value is the text between the quotes. */
  plainString: boolean;
}

/**
 * The value's bytes, read into one buffer of exactly their size. A large value is then decoded
 * once, straight from it: the bytes and the string are each held once, and nothing else of that
 * size is made (decoding it in 1 MiB pieces and joining them made two full-size strings, one of
 * them garbage, per read: host.storage's 12 MiB reads peaked the host's memory that much higher).
 */
async function readText(handle: fs.FileHandle, offset: number, length: number): Promise<ValueText> {
  const bytes = Buffer.allocUnsafe(length);
  for (let done = 0; done < length;) {
    const { bytesRead } = await handle.read(bytes, done, length - done, offset + done);
    if (bytesRead === 0) throw unreadable();
    done += bytesRead;
  }
  // A backslash or a quote inside means escapes (or not a single string): parse it as JSON.
  const quoted = length >= 2 && bytes[0] === 0x22 && bytes[length - 1] === 0x22;
  const inner = bytes.subarray(1, length - 1);
  return { bytes, plainString: quoted && !inner.includes(0x5c) && !inner.includes(0x22) };
}

function decodeValue({ bytes, plainString }: ValueText): unknown {
  if (plainString) return bytes.toString('utf8', 1, bytes.length - 1);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw unreadable();
  }
}

/** Characters converted to UTF-8 per write: bounds the transient copy a big value makes. */
const WRITE_CHUNK_CHARS = 1024 * 1024;
/** Room for WRITE_CHUNK_CHARS UTF-16 units as UTF-8 (at most 3 bytes each; a pair is 4 for 2). */
const WRITE_SCRATCH_BYTES = 3 * WRITE_CHUNK_CHARS;

/**
 * Writes `text` as UTF-8 in slices through one scratch buffer, so no full-size copy of a large
 * value is made and no buffer is left per slice for the collector (a slice of a flat string is not
 * copied). A slice never ends between the two halves of a surrogate pair.
 */
async function writeText(handle: fs.FileHandle, text: string, scratch: Buffer): Promise<void> {
  for (let from = 0; from < text.length;) {
    let to = Math.min(text.length, from + WRITE_CHUNK_CHARS);
    if (to < text.length && (text.charCodeAt(to) & 0xfc00) === 0xdc00) to--;
    const slice = text.slice(from, to);
    const n = scratch.write(slice, 0, 'utf8');
    // Buffer#write stops where the room ends: never written short (the caller sizes the scratch).
    if (n > scratch.length - 4 && n !== Buffer.byteLength(slice, 'utf8')) throw new Error('scratch too small');
    const { bytesWritten } = await handle.write(scratch, 0, n, null);
    // A short write to a regular file means the disk is full or failing: the set fails whole.
    if (bytesWritten !== n) throw new Error('short write');
    from = to;
  }
}

/** fsync of a folder, so a rename or unlink in it survives power loss (not possible everywhere). */
export async function fsyncDir(dir: string): Promise<void> {
  let h: fs.FileHandle | undefined;
  try {
    h = await fs.open(dir, 'r');
    await h.sync();
  } catch {
    // Windows and some file systems cannot fsync a folder; the rename itself is still atomic.
  } finally {
    await h?.close().catch(() => {});
  }
}

/**
 * Writes the record of `key` atomically: temp file, fsync, rename over the old one, fsync the
 * folder. The value's JSON is the concatenation of `valueJson` (pieces, so a string value can be
 * written between its quotes without a copy). `syncDir: false` leaves the folder's fsync to the
 * caller (a migration syncs once, before it removes the old store).
 */
export async function writeRecord(
  dir: string,
  key: string,
  seq: number,
  valueJson: readonly string[],
  { syncDir = true } = {},
): Promise<void> {
  const tmp = path.join(dir, `${TEMP_PREFIX}${crypto.randomBytes(8).toString('hex')}`);
  const handle = await fs.open(tmp, 'wx', 0o600);
  try {
    try {
      const longest = valueJson.reduce((n, piece) => Math.max(n, piece.length), 0);
      const scratch = Buffer.allocUnsafe(Math.min(WRITE_SCRATCH_BYTES, 3 * Math.max(longest, 4096)));
      await writeText(handle, `${MAGIC}${seq}\n${JSON.stringify(key)}\n`, scratch);
      for (const piece of valueJson) await writeText(handle, piece, scratch);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path.join(dir, recordName(key)));
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
  if (syncDir) await fsyncDir(dir);
}

/** Removes the record of `key`; false if there was none. */
export async function removeRecord(dir: string, key: string): Promise<boolean> {
  try {
    await fs.unlink(path.join(dir, recordName(key)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  await fsyncDir(dir);
  return true;
}
