/**
 * `host.storage`: a private JSON key/value store per extension, one file per key on disk
 * (storage-record.ts). The host keeps only an index of key → size, so its memory does not grow
 * with `limits.storageMb`: a `set` writes that one key's file atomically, a `get` reads that one
 * value (capped), and the quota is counted from the index, exactly as the single-file store of
 * earlier versions counted it (the JSON size of keys and values). That store is migrated, entry by
 * entry, the first time storage is opened.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { WardenError } from '../../common/errors';
import type { DataValue } from '../../common/data-value';
import {
  RECORD_NAME,
  TEMP_PREFIX,
  entrySize,
  fsyncDir,
  readRecordHead,
  readRecordValue,
  recordName,
  removeRecord,
  writeRecord,
} from './storage-record';
import { readLegacyStore } from './storage-legacy';

export interface ExtensionStorage {
  get(key: string): Promise<DataValue | undefined>;
  set(key: string, value: DataValue): Promise<void>;
  delete(key: string): Promise<boolean>;
  keys(): Promise<string[]>;
  usedBytes(): Promise<number>;
}

export interface StorageOptions {
  /** The folder holding one record file per key. */
  dir: string;
  /** The single-file store of earlier versions, migrated into `dir` and then removed. */
  legacyFile?: string;
  /** Bytes still available to storage, given the extension's other private data. */
  quota: { limitBytes(): number; otherBytes(): Promise<number> };
  /** Keys kept at most (default MAX_KEYS). */
  maxKeys?: number;
}

/**
 * A value's JSON may be at most 16 MiB: a reply carrying it stays well inside the 32 MiB message
 * limit (MAX_MESSAGE_BYTES), and a `set` or `get` makes the host hold one such value at a time.
 */
export const MAX_VALUE_BYTES = 16 * 1024 * 1024;
/** Largest record a `get` reads: values migrated from the old store may exceed MAX_VALUE_BYTES. */
export const MAX_READ_VALUE_BYTES = 48 * 1024 * 1024;
/** Keys per extension: bounds the index in host memory and the size of a `keys()` reply. */
export const MAX_KEYS = 10_000;
/** Key length, as the protocol allows (electron/common/protocol.ts). */
export const MAX_KEY_LENGTH = 256;
/** Values being read at once, in bytes (a larger single value is read alone). */
const READ_BUDGET_BYTES = 32 * 1024 * 1024;
/** A temp file older than this is left over from a crash (a live write takes far less). */
const STALE_TEMP_MS = 10 * 60 * 1000;
/** Record headers read at once while the index is rebuilt. */
const OPEN_CONCURRENCY = 16;

function containsBytes(v: DataValue): boolean {
  if (v instanceof Uint8Array) return true;
  if (Array.isArray(v)) return v.some(containsBytes);
  if (v !== null && typeof v === 'object') return Object.values(v).some(containsBytes);
  return false;
}

/** What JSON.stringify escapes in a string: without any, a string's JSON is the string in quotes. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A value's JSON, in pieces, and its size in bytes. A string (the usual large value) is not
 * copied: its JSON is written as a quote, the string itself, and a quote.
 */
function encodeValue(value: DataValue): { pieces: string[]; bytes: number } {
  if (typeof value === 'string' && !NEEDS_ESCAPE.test(value)) {
    return { pieces: ['"', value, '"'], bytes: Buffer.byteLength(value, 'utf8') + 2 };
  }
  const json = JSON.stringify(value);
  return { pieces: [json], bytes: Buffer.byteLength(json, 'utf8') };
}

interface IndexEntry {
  size: number;
  /** Creation order: `keys()` lists keys in the order they were first set. */
  seq: number;
}

const internal = () => new WardenError('EINTERNAL', 'the extension storage is unreadable');

export function createExtensionStorage(options: StorageOptions): ExtensionStorage {
  const { dir } = options;
  // The index and `used` reflect every accepted change, including writes still in progress, so
  // concurrent sets each see the others' bytes and the quota holds exactly.
  let index: Map<string, IndexEntry> | undefined;
  let used = 0;
  let nextSeq = 1;
  let loading: Promise<Map<string, IndexEntry>> | undefined;
  // Operations on one key run in order; the ticket tells whether an operation is the key's latest.
  const chains = new Map<string, Promise<unknown>>();
  const latest = new Map<string, number>();
  let tickets = 0;
  const reads = createByteGate(READ_BUDGET_BYTES);

  const load = () =>
    (loading ??= open().then(
      (map) => (index = map),
      (err: unknown) => {
        loading = undefined; // a later call may try again
        throw err instanceof WardenError ? err : internal();
      },
    ));

  async function open(): Promise<Map<string, IndexEntry>> {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    if (options.legacyFile) await migrate(options.legacyFile);
    const found: Array<[string, IndexEntry]> = [];
    const names = await fs.readdir(dir);
    for (let i = 0; i < names.length; i += OPEN_CONCURRENCY) {
      await Promise.all(
        names.slice(i, i + OPEN_CONCURRENCY).map(async (name) => {
          if (RECORD_NAME.test(name)) {
            const head = await readRecordHead(dir, name);
            if (head) found.push([head.key, { size: head.size, seq: head.seq }]);
          } else if (name.startsWith(TEMP_PREFIX)) {
            const st = await fs.lstat(path.join(dir, name)).catch(() => undefined);
            if (st && Date.now() - st.mtimeMs > STALE_TEMP_MS) await fs.rm(path.join(dir, name), { force: true });
          }
        }),
      );
    }
    found.sort((a, b) => a[1].seq - b[1].seq);
    const map = new Map(found);
    used = 0;
    for (const e of map.values()) {
      used += e.size;
      nextSeq = Math.max(nextSeq, e.seq + 1);
    }
    return map;
  }

  /**
   * Moves the old single-file store into records, one entry at a time, then removes it. A crash
   * part-way leaves the old file in place, and the next open migrates it again (records are
   * replaced whole, so that is harmless); nothing else writes before the migration is complete.
   */
  async function migrate(file: string): Promise<void> {
    const seqs = new Map<string, number>();
    const found = await readLegacyStore(file, MAX_READ_VALUE_BYTES + 64 * 1024, async ({ key, valueJson }) => {
      // A repeated key (never written by the old store) keeps its first place, as JSON.parse does.
      const seq = seqs.get(key) ?? seqs.size + 1;
      seqs.set(key, seq);
      await writeRecord(dir, key, seq, [valueJson], { syncDir: false });
    });
    if (!found) return;
    await fsyncDir(dir);
    await fs.rm(file, { force: true });
    await fsyncDir(path.dirname(file));
  }

  /** Runs `op` after every earlier operation on `key`. */
  function onKey<T>(key: string, op: () => Promise<T>): Promise<T> {
    const next = (chains.get(key) ?? Promise.resolve()).then(op, op);
    const tail = next.catch(() => {});
    chains.set(key, tail);
    void tail.then(() => {
      if (chains.get(key) === tail) chains.delete(key);
    });
    return next;
  }

  /** After a failed write, the index entry of `key` is set from what is on disk. */
  async function reconcile(key: string, ticket: number): Promise<void> {
    const head = await readRecordHead(dir, recordName(key)).catch(() => undefined);
    if (latest.get(key) !== ticket || !index) return;
    const had = index.get(key);
    used -= had?.size ?? 0;
    if (head && head.key === key) {
      index.set(key, { size: head.size, seq: head.seq });
      used += head.size;
    } else index.delete(key);
  }

  /** Applies an accepted change to disk, in order for its key; on failure the index follows the disk. */
  function commit(key: string, write: () => Promise<unknown>): Promise<void> {
    const ticket = ++tickets;
    latest.set(key, ticket);
    return onKey(key, async () => {
      try {
        await write();
      } catch (err) {
        await reconcile(key, ticket);
        throw err instanceof WardenError
          ? err
          : new WardenError('EINTERNAL', 'the extension storage could not be written');
      } finally {
        if (latest.get(key) === ticket) latest.delete(key);
      }
    });
  }

  function checkKey(key: string): void {
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw new WardenError('EINVAL', `a storage key is 1 to ${MAX_KEY_LENGTH} characters`);
    }
  }

  return {
    async get(key) {
      checkKey(key);
      const map = await load();
      const entry = map.get(key);
      if (!entry) return undefined;
      // After any change to this key that was accepted before; one value held per read.
      return onKey(key, () =>
        reads.run(Math.min(entry.size, MAX_READ_VALUE_BYTES), async () => {
          const value = await readRecordValue(dir, key, MAX_READ_VALUE_BYTES);
          return value as DataValue | undefined;
        }),
      );
    },
    async set(key, value) {
      checkKey(key);
      if (containsBytes(value)) throw new WardenError('EINVAL', 'storage values must be JSON (no Uint8Array)');
      const { pieces, bytes: valueBytes } = encodeValue(value);
      if (valueBytes > MAX_VALUE_BYTES) {
        throw new WardenError('E2BIG', `a storage value is at most ${MAX_VALUE_BYTES} bytes of JSON (${valueBytes})`);
      }
      const size = entrySize(Buffer.byteLength(JSON.stringify(key)), valueBytes);
      const map = await load();
      // Awaited before `used` is read: concurrent sets must each see the others' bytes.
      const room = options.quota.limitBytes() - (await options.quota.otherBytes());
      const before = map.get(key);
      const maxKeys = options.maxKeys ?? MAX_KEYS;
      if (!before && map.size >= maxKeys) {
        throw new WardenError('EQUOTA', `storage holds at most ${maxKeys} keys`);
      }
      const after = used - (before?.size ?? 0) + size;
      if (after > room) {
        throw new WardenError('EQUOTA', `storage quota exceeded (${after} of ${Math.max(0, room)} bytes)`);
      }
      const seq = before?.seq ?? nextSeq++;
      map.set(key, { size, seq });
      used = after;
      await commit(key, () => writeRecord(dir, key, seq, pieces));
    },
    async delete(key) {
      checkKey(key);
      const map = await load();
      const before = map.get(key);
      if (!before) return false;
      map.delete(key);
      used -= before.size;
      await commit(key, () => removeRecord(dir, key));
      return true;
    },
    async keys() {
      return [...(await load()).keys()];
    },
    async usedBytes() {
      await load();
      return used;
    },
  };
}

/**
 * Admits work while the bytes it holds fit the budget; a piece larger than the whole budget
 * runs alone. Waiters are served in order.
 */
function createByteGate(budget: number) {
  let inUse = 0;
  const waiting: Array<{ bytes: number; go: () => void }> = [];
  const fits = (bytes: number) => inUse === 0 || inUse + bytes <= budget;
  const pump = () => {
    while (waiting.length > 0 && fits(waiting[0]!.bytes)) {
      const w = waiting.shift()!;
      inUse += w.bytes;
      w.go();
    }
  };
  return {
    async run<T>(bytes: number, work: () => Promise<T>): Promise<T> {
      if (waiting.length > 0 || !fits(bytes)) await new Promise<void>((go) => waiting.push({ bytes, go }));
      else inUse += bytes;
      try {
        return await work();
      } finally {
        inUse -= bytes;
        pump();
      }
    },
  };
}
