import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createExtensionStorage, type ExtensionStorage } from '../../electron/core/private-data/storage';
import { WardenError } from '../../electron/common/errors';
import { tempDir } from '../helpers/sandbox';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(limitBytes = 1024 * 1024, otherBytes = 0) {
  const dir = tempDir('warden-storage-');
  dirs.push(dir);
  const file = path.join(dir, 'nested', 'storage.json');
  const store = path.join(dir, 'nested', 'storage');
  const open = (): ExtensionStorage =>
    createExtensionStorage({
      dir: store,
      legacyFile: file,
      quota: { limitBytes: () => limitBytes, otherBytes: async () => otherBytes },
    });
  return { file, store, open, storage: open() };
}

/** Every file of the store and its content. */
function snapshot(store: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(store).map((n) => [n, fs.readFileSync(path.join(store, n), 'utf8')]));
}

async function rejection(p: Promise<unknown>): Promise<WardenError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WardenError);
  return err as WardenError;
}

describe('extension storage', () => {
  it('persists values and reloads them in a fresh instance', async () => {
    const { storage, open, store } = setup();
    expect(await storage.get('missing')).toBeUndefined();
    await storage.set('n', 42);
    await storage.set('doc', { list: [1, 'two', null, true], nested: { a: 'b' } });
    await storage.set('gone', 'x');
    expect(await storage.delete('gone')).toBe(true);
    expect(await storage.delete('gone')).toBe(false);

    const reloaded = open();
    expect(await reloaded.keys()).toEqual(['n', 'doc']);
    expect(await reloaded.get('n')).toBe(42);
    expect(await reloaded.get('doc')).toEqual({ list: [1, 'two', null, true], nested: { a: 'b' } });
    expect(await reloaded.usedBytes()).toBe(await storage.usedBytes());
    // One record per key, written atomically: no temp files are left beside them.
    const names = fs.readdirSync(store);
    expect(names).toHaveLength(2);
    for (const n of names) expect(n).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a set over the quota with EQUOTA and no partial effect', async () => {
    const { storage, open, store } = setup(100);
    await storage.set('a', 'x'.repeat(50));
    const before = snapshot(store);
    const used = await storage.usedBytes();

    const err = await rejection(storage.set('b', 'y'.repeat(60)));
    expect(err.code).toBe('EQUOTA');
    expect(err.message).toMatch(/storage quota exceeded \(\d+ of 100 bytes\)/);
    expect(await storage.keys()).toEqual(['a']);
    expect(await storage.usedBytes()).toBe(used);
    expect(snapshot(store)).toEqual(before);

    // Growing an existing key past the quota keeps its old value.
    expect((await rejection(storage.set('a', 'z'.repeat(200)))).code).toBe('EQUOTA');
    expect(await storage.get('a')).toBe('x'.repeat(50));
    expect(await open().get('a')).toBe('x'.repeat(50));
  });

  it('counts the other private data against the same quota', async () => {
    const { storage } = setup(100, 90);
    expect((await rejection(storage.set('k', 'x'.repeat(20)))).code).toBe('EQUOTA');
    await storage.set('k', 1);
    expect(await storage.get('k')).toBe(1);
  });

  it('frees quota on delete and on overwrite with a smaller value', async () => {
    const { storage } = setup(100);
    await storage.set('a', 'x'.repeat(80));
    expect((await rejection(storage.set('b', 'y'.repeat(30)))).code).toBe('EQUOTA');
    await storage.set('a', 'small');
    await storage.set('b', 'y'.repeat(30));
    await storage.delete('b');
    await storage.set('c', 'z'.repeat(30));
    expect(await storage.keys()).toEqual(['a', 'c']);
  });

  it('round-trips a "__proto__" key and value as plain data', async () => {
    const { storage, open } = setup();
    const value = JSON.parse('{"__proto__": {"polluted": true}}') as { [k: string]: never };
    await storage.set('__proto__', value);
    await storage.set('constructor', 'c');

    const reloaded = open();
    expect(await reloaded.keys()).toEqual(['__proto__', 'constructor']);
    const back = (await reloaded.get('__proto__')) as object;
    expect(Object.keys(back)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: true });
    expect((back as { polluted?: unknown }).polluted).toBeUndefined();
    expect(await reloaded.get('constructor')).toBe('c');
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('persists every one of many concurrent sets', async () => {
    const { storage, open } = setup();
    const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
    await Promise.all(keys.map((k, i) => storage.set(k, { i })));
    const reloaded = open();
    expect((await reloaded.keys()).sort()).toEqual([...keys].sort());
    for (const [i, k] of keys.entries()) expect(await reloaded.get(k)).toEqual({ i });
  });

  it('keeps concurrent sets within the quota', async () => {
    const { storage, open } = setup(100);
    // Each entry is 28 bytes ("kN" + 20 chars + quotes): three fit in 100, ten do not.
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => storage.set(`k${i}`, 'x'.repeat(20))),
    );
    const stored = results.filter((r) => r.status === 'fulfilled').length;
    expect(stored).toBe(3);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as WardenError).code).toBe('EQUOTA');
    expect(await storage.usedBytes()).toBeLessThanOrEqual(100);
    expect(await open().keys()).toHaveLength(3);
  });

  it('resolves each set only once it is on disk', async () => {
    const { storage, open } = setup();
    for (let i = 0; i < 5; i++) {
      await storage.set('counter', i);
      expect(await open().get('counter')).toBe(i);
    }
  });

  it('refuses bytes in a value, which JSON cannot hold', async () => {
    const { storage } = setup();
    const err = await rejection(storage.set('b', { data: new Uint8Array([1]) }));
    expect(err.code).toBe('EINVAL');
    expect(await storage.keys()).toEqual([]);
  });

  it('reports an unreadable storage file as EINTERNAL without its path', async () => {
    const { file, open } = setup();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{not json');
    const err = await rejection(open().get('x'));
    expect(err.code).toBe('EINTERNAL');
    expect(err.message).not.toContain(path.dirname(file));
  });
});
