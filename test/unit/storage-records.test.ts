// host.storage on disk: one record per key, the index rebuilt from record headers, the old
// single-file store migrated entry by entry (electron/core/private-data/storage*.ts).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createExtensionStorage, MAX_VALUE_BYTES } from '../../electron/core/private-data/storage';
import { recordName } from '../../electron/core/private-data/storage-record';
import { WardenError } from '../../electron/common/errors';
import { tempDir } from '../helpers/sandbox';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(limitBytes = 64 * 1024 * 1024, maxKeys?: number) {
  const root = tempDir('warden-records-');
  dirs.push(root);
  const store = path.join(root, 'storage');
  const legacy = path.join(root, 'storage.json');
  const open = () =>
    createExtensionStorage({
      dir: store,
      legacyFile: legacy,
      quota: { limitBytes: () => limitBytes, otherBytes: async () => 0 },
      ...(maxKeys !== undefined ? { maxKeys } : {}),
    });
  return { store, legacy, open };
}

const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof WardenError ? e.code : String(e)),
  );

describe('storage records', () => {
  it('writes one file per key, named by the hash of the key, holding the key and the JSON value', async () => {
    const { store, open } = setup();
    const s = open();
    const keys = ['../../etc/passwd', 'CON', 'aux.txt', 'a/b\\c', 'Ünïcödé ✓', 'trailing. ', 'x'.repeat(256)];
    for (const [i, k] of keys.entries()) await s.set(k, { i, k });
    const names = fs.readdirSync(store).sort();
    expect(names).toEqual(keys.map(recordName).sort());
    const text = fs.readFileSync(path.join(store, recordName('CON')), 'utf8');
    expect(text.split('\n').slice(1)).toEqual(['"CON"', '{"i":1,"k":"CON"}']);
    const again = open();
    expect(await again.keys()).toEqual(keys);
    for (const [i, k] of keys.entries()) expect(await again.get(k)).toEqual({ i, k });
  });

  it('counts strings with and without escapes exactly as JSON', async () => {
    const { open } = setup();
    const s = open();
    const values = ['plain', 'quote " and \\ and \n', 'é 中 😀', '\ud800 lone', ''];
    let expected = 0;
    for (const [i, v] of values.entries()) {
      await s.set(`k${i}`, v);
      expected += Buffer.byteLength(JSON.stringify(`k${i}`)) + Buffer.byteLength(JSON.stringify(v)) + 2;
    }
    expect(await s.usedBytes()).toBe(expected);
    const again = open();
    expect(await again.usedBytes()).toBe(expected);
    for (const [i, v] of values.entries()) expect(await again.get(`k${i}`)).toBe(v);
  });

  it('writes and reads back large values whole: 3-byte characters filling a slice, a pair across its end', async () => {
    const { store, open } = setup();
    const s = open();
    const slice = 1024 * 1024; // storage-record.ts WRITE_CHUNK_CHARS
    const values = [
      // A surrogate pair where a slice would end, then a whole slice of 3-byte characters (the
      // most UTF-8 a slice can make), then an escape that makes the JSON more than a quoted string.
      'a'.repeat(slice - 1) + '😀' + '中'.repeat(slice) + 'end',
      'é'.repeat(slice + 7) + '"quoted"\\' + 'z'.repeat(3),
      'x'.repeat(3 * slice + 5),
    ];
    for (const [i, v] of values.entries()) await s.set(`big${i}`, v);
    const again = open();
    for (const [i, v] of values.entries()) expect(await again.get(`big${i}`)).toBe(v);
    const onDisk = fs.readFileSync(path.join(store, recordName('big0')), 'utf8').split('\n')[2];
    expect(onDisk).toBe(JSON.stringify(values[0]));
  });

  it('refuses a value over the size cap with E2BIG, keys outside 1–256 characters with EINVAL', async () => {
    const { open } = setup(1024 * 1024 * 1024);
    const s = open();
    expect(await codeOf(s.set('big', 'x'.repeat(MAX_VALUE_BYTES - 1)))).toBe('E2BIG');
    expect(await codeOf(s.set('fits', 'x'.repeat(MAX_VALUE_BYTES - 2)))).toBe('ok');
    expect(await codeOf(s.set('', 1))).toBe('EINVAL');
    expect(await codeOf(s.set('y'.repeat(257), 1))).toBe('EINVAL');
    expect(await s.keys()).toEqual(['fits']);
  });

  it('caps the number of keys with EQUOTA; overwriting an existing key still works', async () => {
    const { open } = setup(undefined, 3);
    const s = open();
    for (const k of ['a', 'b', 'c']) await s.set(k, 1);
    expect(await codeOf(s.set('d', 1))).toBe('EQUOTA');
    await s.set('a', 2);
    await s.delete('b');
    await s.set('d', 1);
    expect(await open().keys()).toEqual(['a', 'c', 'd']);
  });

  it('serializes concurrent sets of one key: the last accepted one is what stays', async () => {
    const { open } = setup();
    const s = open();
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.set('k', 'v'.repeat(1000 * (i + 1)))));
    expect(await s.get('k')).toBe('v'.repeat(20_000));
    expect(await open().get('k')).toBe('v'.repeat(20_000));
    expect(await open().usedBytes()).toBe(await s.usedBytes());
  });

  it('a get while sets of the same key are written returns one of the values, whole', async () => {
    const { open } = setup();
    const s = open();
    const values = ['a', 'b', 'c', 'd'].map((c) => c.repeat(200_000));
    await s.set('k', values[0]!);
    const work: Array<Promise<unknown>> = [];
    for (const v of values.slice(1)) work.push(s.set('k', v), s.get('k'));
    const results = await Promise.all(work);
    for (const r of results) if (r !== undefined) expect(values).toContain(r);
    expect(await s.get('k')).toBe(values[3]);
  });

  it('leaves a fresh temp file alone and removes a stale one', async () => {
    const { store, open } = setup();
    await open().set('a', 1);
    const fresh = path.join(store, '.tmp-fresh');
    const stale = path.join(store, '.tmp-stale');
    fs.writeFileSync(fresh, 'partial');
    fs.writeFileSync(stale, 'partial');
    const old = new Date(Date.now() - 60 * 60 * 1000);
    fs.utimesSync(stale, old, old);
    expect(await open().keys()).toEqual(['a']);
    expect(fs.existsSync(fresh)).toBe(true);
    expect(fs.existsSync(stale)).toBe(false);
  });

  it('reports a record whose header does not match its name as EINTERNAL', async () => {
    const { store, open } = setup();
    await open().set('a', 1);
    fs.renameSync(path.join(store, recordName('a')), path.join(store, recordName('b')));
    expect(await codeOf(open().keys())).toBe('EINTERNAL');
  });
});

describe('migration of the single-file store', () => {
  it('moves every entry, in order, with the same quota use, and removes the old file', async () => {
    const { legacy, store, open } = setup();
    const entries: Record<string, unknown> = {};
    for (let i = 0; i < 300; i++) entries[`key ${i} "q" {}[],:\\`] = { i, s: 'é'.repeat(i * 10), a: [i, null, true] };
    entries.big = 'z'.repeat(3 * 1024 * 1024 + 17); // spans several read chunks
    Object.defineProperty(entries, '__proto__', { value: { polluted: true }, enumerable: true });
    const doc = { version: 1, entries };
    fs.writeFileSync(legacy, JSON.stringify(doc));
    let oldUsed = 0;
    for (const [k, v] of Object.entries(entries)) {
      oldUsed += Buffer.byteLength(JSON.stringify(k)) + Buffer.byteLength(JSON.stringify(v)) + 2;
    }

    const s = open();
    expect(await s.keys()).toEqual(Object.keys(entries));
    expect(await s.usedBytes()).toBe(oldUsed);
    for (const k of Object.keys(entries)) expect(await s.get(k), k).toEqual(entries[k]);
    expect(fs.existsSync(legacy)).toBe(false);
    expect(fs.readdirSync(store)).toHaveLength(Object.keys(entries).length);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  }, 60_000);

  it('accepts the old file with whitespace and other members, and an empty store', async () => {
    const { legacy, open } = setup();
    fs.writeFileSync(
      legacy,
      ' {\n "version" : 1 ,\n "other": {"entries": {"no": 1}},\n "entries" : { "a" : [ 1 , 2 ] , "b" : { } }\n }\n',
    );
    const s = open();
    expect(await s.keys()).toEqual(['a', 'b']);
    expect(await s.get('a')).toEqual([1, 2]);

    const empty = setup();
    fs.writeFileSync(empty.legacy, JSON.stringify({ version: 1, entries: {} }));
    expect(await empty.open().keys()).toEqual([]);
    expect(fs.existsSync(empty.legacy)).toBe(false);
  });

  it('a migration cut short is done again: the old file wins over records it had written', async () => {
    const { legacy, store, open } = setup();
    fs.writeFileSync(legacy, JSON.stringify({ version: 1, entries: { a: 'from the old store', b: 2 } }));
    // As if an earlier migration had written a record, with other content, and then crashed.
    const partial = createExtensionStorage({ dir: store, quota: { limitBytes: () => 1e9, otherBytes: async () => 0 } });
    await partial.set('a', 'half-migrated');
    const s = open();
    expect(await s.get('a')).toBe('from the old store');
    expect(await s.get('b')).toBe(2);
    expect(fs.existsSync(legacy)).toBe(false);
  });

  it('refuses trailing garbage, a truncated file and a non-object as EINTERNAL, keeping the file', async () => {
    const bads = [
      '{"entries":{"a":1}} x',
      '{"entries":{"a":1}',
      '[1,2]',
      '{"entries":{"a":1,}}',
      '{,"entries":{}}',
      '',
    ];
    for (const bad of bads) {
      const { legacy, open } = setup();
      fs.writeFileSync(legacy, bad);
      expect(await codeOf(open().keys()), bad).toBe('EINTERNAL');
      expect(fs.readFileSync(legacy, 'utf8')).toBe(bad);
    }
  });
});
