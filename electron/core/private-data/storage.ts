/**
 * `host.storage`: a private JSON key/value store per extension, kept in memory and persisted
 * atomically. The quota counts the JSON size of keys and values; a `set` over it fails whole.
 * Concurrent writes are coalesced: each `set` resolves once a flush that includes it is on disk.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { WardenError } from '../../common/errors';
import type { DataValue } from '../../common/data-value';
import { writeFileAtomic } from '../platform/atomic-write';

export interface ExtensionStorage {
  get(key: string): Promise<DataValue | undefined>;
  set(key: string, value: DataValue): Promise<void>;
  delete(key: string): Promise<boolean>;
  keys(): Promise<string[]>;
  usedBytes(): Promise<number>;
}

export interface StorageOptions {
  file: string;
  /** Bytes still available to storage, given the extension's other private data. */
  quota: { limitBytes(): number; otherBytes(): Promise<number> };
}

const entrySize = (key: string, value: DataValue) =>
  Buffer.byteLength(JSON.stringify(key)) + Buffer.byteLength(JSON.stringify(value)) + 2;

function containsBytes(v: DataValue): boolean {
  if (v instanceof Uint8Array) return true;
  if (Array.isArray(v)) return v.some(containsBytes);
  if (v !== null && typeof v === 'object') return Object.values(v).some(containsBytes);
  return false;
}

export function createExtensionStorage(options: StorageOptions): ExtensionStorage {
  let entries: Map<string, DataValue> | undefined;
  let used = 0;
  let loading: Promise<Map<string, DataValue>> | undefined;
  let flushing: Promise<void> | undefined;
  let dirty = false;

  const load = () =>
    (loading ??= (async () => {
      const map = new Map<string, DataValue>();
      try {
        const parsed: unknown = JSON.parse(await fs.readFile(options.file, 'utf8'));
        const data = (parsed as { entries?: unknown })?.entries;
        if (data && typeof data === 'object') {
          for (const [k, v] of Object.entries(data)) map.set(k, v as DataValue);
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw new WardenError('EINTERNAL', 'the extension storage file is unreadable');
        }
      }
      used = 0;
      for (const [k, v] of map) used += entrySize(k, v);
      entries = map;
      return map;
    })());

  // One writer at a time; a write that starts after a change always includes it.
  const flush = (): Promise<void> => {
    dirty = true;
    const run = async (): Promise<void> => {
      while (dirty) {
        dirty = false;
        const doc = { version: 1, entries: Object.fromEntries(entries!) };
        await fs.mkdir(path.dirname(options.file), { recursive: true });
        await writeFileAtomic(options.file, JSON.stringify(doc));
      }
    };
    flushing = (flushing ?? Promise.resolve()).then(run, run);
    return flushing;
  };

  return {
    async get(key) {
      return (await load()).get(key);
    },
    async set(key, value) {
      const map = await load();
      if (containsBytes(value)) throw new WardenError('EINVAL', 'storage values must be JSON (no Uint8Array)');
      // Awaited before `used` is read: concurrent sets must each see the others' bytes.
      const room = options.quota.limitBytes() - (await options.quota.otherBytes());
      const before = map.has(key) ? entrySize(key, map.get(key)!) : 0;
      const after = used - before + entrySize(key, value);
      if (after > room) {
        throw new WardenError('EQUOTA', `storage quota exceeded (${after} of ${Math.max(0, room)} bytes)`);
      }
      map.set(key, value);
      used = after;
      await flush();
    },
    async delete(key) {
      const map = await load();
      if (!map.has(key)) return false;
      used -= entrySize(key, map.get(key)!);
      map.delete(key);
      await flush();
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
