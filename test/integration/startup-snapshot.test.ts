/**
 * The start-up snapshot path (core/process/snapshot-builder.ts) through a real supervisor and
 * real processes: built by the host, started from, and the extension sees the same realm as on
 * the usual path (locked down, change-array-by-copy present even where V8 needed it off).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BOOTSTRAP, tempDir } from '../helpers/sandbox';
import { createSnapshotHost, MEMORY_MB, snapshotFiles, type SnapshotHost } from '../helpers/snapshot-host';

const cacheDir = tempDir('warden-snapshot-');
let host: SnapshotHost | undefined;
afterEach(async () => host?.close());
afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

const PROBE = `exports.activate = () => host.commands.register('probe', () => ({ type: 'json', value: {
  frozen: Object.isFrozen(Array.prototype) && Object.isFrozen(Object.prototype) && Object.isFrozen(globalThis.Array),
  sorted: [3, 1, 2].toSorted(),
  sortedBy: ['b', 'a', 'c'].toSorted((x, y) => (x < y ? 1 : -1)),
  reversed: [1, 2, 3].toReversed(),
  with: [1, 2, 3].with(-1, 9),
  spliced: [1, 2, 3, 4].toSpliced(1, 2, 'x'),
  typed: Array.from(new Int16Array([5, -1, 3]).toSorted()),
  typedWith: Array.from(new Float64Array([1, 2]).with(0, 7).toReversed()),
  unscopables: ['toSorted', 'toReversed', 'toSpliced'].every((k) => Array.prototype[Symbol.unscopables][k] === true),
  lengths: [[].toSorted.length, [].toReversed.length, [].with.length, [].toSpliced.length],
  harden: typeof harden,
} }));`;

describe('start-up snapshot', () => {
  it('is built and verified by the host, then starts extension processes with the same realm', async () => {
    host = createSnapshotHost(cacheDir);
    expect(host.launcher.startPath(MEMORY_MB).path).toBe('code-cache'); // being prepared
    expect(await host.launcher.snapshotReady(MEMORY_MB)).toBe(true);
    expect(host.launcher.startPath(MEMORY_MB).path).toBe('snapshot');
    const { blob, flags } = snapshotFiles(cacheDir);

    const id = await host.add({ commands: ['probe'], source: PROBE });
    const result = await host.supervisor.invoke(id, 'probe');
    expect(result).toEqual({
      type: 'json',
      value: {
        frozen: true,
        sorted: [1, 2, 3],
        sortedBy: ['c', 'b', 'a'],
        reversed: [3, 2, 1],
        with: [1, 2, 9],
        spliced: [1, 'x', 4],
        typed: [-1, 3, 5],
        typedWith: [2, 7],
        unscopables: true,
        lengths: [1, 0, 2, 2],
        harden: 'function',
      },
    });
    // It really came from the blob, with the flags the builder found it needs.
    expect(host.cmdlines).toHaveLength(1);
    expect(host.cmdlines[0]).toContain(`--snapshot-blob=${blob}`);
    for (const f of flags) expect(host.cmdlines[0]).toContain(f);
    expect(host.paths.at(-1)).toMatchObject({ path: 'snapshot' });
  });

  // Every start reads, copies and deserialises the whole blob: node's code cache of its own
  // built-ins (~2.8 MB on Node 20) is left out (--build-snapshot-config, node ≥ 20.12).
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  it.skipIf(major < 20 || (major === 20 && minor < 12))('holds no code cache of node built-ins', () => {
    const { blob, flags } = snapshotFiles(cacheDir);
    const withCache = path.join(cacheDir, 'with-code-cache.blob');
    const entry = path.join(path.dirname(BOOTSTRAP), 'snapshot.cjs');
    execFileSync(process.execPath, [
      `--max-old-space-size=${MEMORY_MB}`,
      ...flags,
      '--snapshot-blob',
      withCache,
      '--build-snapshot',
      entry,
    ]);
    const lean = fs.statSync(blob).size;
    expect(lean).toBeLessThan(fs.statSync(withCache).size - 1024 * 1024);
    fs.rmSync(withCache);
  });

  it('is found again by a new host, hash-checked, and used', async () => {
    host = createSnapshotHost(cacheDir);
    expect(await host.launcher.snapshotReady(MEMORY_MB)).toBe(true);
    const id = await host.add({
      commands: ['hello'],
      source: `exports.activate = () => host.commands.register('hello', ({ name }) => 'hello ' + name);`,
    });
    expect(await host.supervisor.invoke(id, 'hello', { name: 'snapshot' })).toEqual({
      type: 'text',
      text: 'hello snapshot',
    });
    expect(host.cmdlines[0]!.some((a) => a.startsWith('--snapshot-blob='))).toBe(true);
  });
});

// The guest's compartment is built inside the blob (sandbox/guest-realm.ts): every process
// deserialises its own copy and uses it for its one extension. Nothing one extension leaves in its
// realm reaches another, and nothing drawn at build time (randomness, clocks) is shared.
const REALM_PROBE = (mark: string) => `
globalThis.left = globalThis.left ?? ${JSON.stringify(mark)};
const timersFire = new Promise((resolve) => setTimeout(() => resolve(true), 1));
exports.activate = () => host.commands.register('realm', async () => ({ type: 'json', value: {
  left: globalThis.left,
  id: host.extension.id,
  global: globalThis.global === globalThis && globalThis.self === globalThis,
  uuid: crypto.randomUUID(),
  random: Math.random(),
  bytes: Array.from(crypto.getRandomValues(new Uint8Array(16))).join(','),
  clockSkewMs: Math.abs(Date.now() - ${Date.now()}),
  perfNowMs: performance.now(),
  timeOriginSkewMs: Math.abs(performance.timeOrigin - Date.now()),
  timers: await timersFire,
} }));`;

interface RealmProbe {
  left: string;
  id: string;
  global: boolean;
  uuid: string;
  random: number;
  bytes: string;
  clockSkewMs: number;
  perfNowMs: number;
  timeOriginSkewMs: number;
  timers: boolean;
}

describe("the guest's compartment, built in the blob", () => {
  it("is each process's own: no state, randomness or clock of another process or of the build", async () => {
    host = createSnapshotHost(cacheDir);
    expect(await host.launcher.snapshotReady(MEMORY_MB)).toBe(true);
    const a = await host.add({ commands: ['realm'], source: REALM_PROBE('a') });
    const b = await host.add({ commands: ['realm'], source: REALM_PROBE('b') });
    const ra = ((await host.supervisor.invoke(a, 'realm')) as unknown as { value: RealmProbe }).value;
    const rb = ((await host.supervisor.invoke(b, 'realm')) as unknown as { value: RealmProbe }).value;
    expect(host.cmdlines).toHaveLength(2);
    for (const c of host.cmdlines) expect(c.some((x) => x.startsWith('--snapshot-blob='))).toBe(true);
    // What one extension set on its global object is not another's: each found its own fresh realm.
    expect([ra.left, rb.left]).toEqual(['a', 'b']);
    expect([ra.id, rb.id]).toEqual([a, b]);
    expect(ra.global && rb.global && ra.timers && rb.timers).toBe(true);
    // Drawn in each process, not in the build run the blob came from.
    expect(ra.uuid).not.toBe(rb.uuid);
    expect(ra.random).not.toBe(rb.random);
    expect(ra.bytes).not.toBe(rb.bytes);
    for (const r of [ra, rb]) {
      expect(r.clockSkewMs).toBeLessThan(60_000);
      expect(r.timeOriginSkewMs).toBeLessThan(60_000);
      expect(r.perfNowMs).toBeLessThan(60_000);
    }
  });
});

describe('a start-up snapshot whose processes die before they speak', () => {
  it('is dropped by the host, which says so and starts processes the usual way', async () => {
    const dir = tempDir('warden-snapshot-dies-');
    try {
      host = createSnapshotHost(dir);
      expect(await host.launcher.snapshotReady(MEMORY_MB)).toBe(true);
      // As if V8 aborted on the host's own blob: a real blob (hash recorded as the host's) whose
      // main exits at once.
      const { blob, flags } = snapshotFiles(dir);
      const entry = path.join(dir, 'dies.js');
      fs.writeFileSync(entry, `require('v8').startupSnapshot.setDeserializeMainFunction(() => process.exit(3));\n`);
      const v8Flags = [`--max-old-space-size=${MEMORY_MB}`, ...flags];
      execFileSync(process.execPath, [...v8Flags, '--snapshot-blob', `${blob}.new`, '--build-snapshot', entry]);
      const sha256 = createHash('sha256')
        .update(fs.readFileSync(`${blob}.new`))
        .digest('hex');
      fs.renameSync(`${blob}.new`, blob);
      fs.writeFileSync(`${blob}.json`, JSON.stringify({ sha256, flags }));
      await host.close();

      host = createSnapshotHost(dir);
      expect(await host.launcher.snapshotReady(MEMORY_MB)).toBe(true);
      const id = await host.add({
        commands: ['hello'],
        source: `exports.activate = () => host.commands.register('hello', () => 'hello');`,
      });
      // The first start came from the blob and failed; the host noticed and the retry is usual.
      await host.supervisor.invoke(id, 'hello').catch(() => undefined);
      expect(host.launcher.startPath(MEMORY_MB)).toMatchObject({
        path: 'code-cache',
        detail: expect.stringContaining('before it spoke'),
      });
      expect(await host.supervisor.invoke(id, 'hello')).toEqual({ type: 'text', text: 'hello' });
      expect(host.cmdlines[0]!.some((a) => a.startsWith('--snapshot-blob='))).toBe(true);
      expect(host.cmdlines.at(-1)!.some((a) => a.startsWith('--snapshot-blob='))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
