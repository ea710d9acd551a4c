// Issue 17 item 4: the Python runtime's files and memory snapshot are hashed once per file identity
// by the host, and the sandbox reads them without hashing while they keep that identity. A file
// changed AFTER the host verified it must never be used: here the change is made in the window
// that matters — after the host's check, just before the real child process receives its `init`
// (a launcher that tampers as it forwards the message) — and again before a later start, which
// the host itself must catch. Same size and other bytes in place with mtime put back; a new inode
// swapped in by rename. The runtime is a copy of dist/sandbox, so other tests are not disturbed.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createForkLauncher } from '../../electron/core';
import { createLogger, memorySink } from '../../electron/core/platform/logger';
import { createSupervisor, type Supervisor } from '../../electron/core/supervision/supervisor';
import { EXAMPLES, ROOT, load, tempDir } from '../helpers/sandbox';
import { withSendHook } from '../helpers/send-hook';

const LONG = 600_000; // Python starts take seconds on a quiet machine; this one is shared
const ID = 'warden-examples.py-json-tools';
let work: string;
let sandboxDir: string;
let cacheDir: string;
let supervisor: Supervisor;
const logs = memorySink();
/** Run on the next `init` sent to a child, before the child receives it. */
let onInit: (() => void) | undefined;

beforeAll(async () => {
  work = tempDir('warden-py-verified-');
  // The runtime under test: a copy of the built sandbox (bootstrap, bundle, python/) and the wall.
  fs.cpSync(path.join(ROOT, 'dist', 'sandbox'), path.join(work, 'dist', 'sandbox'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'dist', 'native'), path.join(work, 'dist', 'native'), { recursive: true });
  sandboxDir = path.join(work, 'dist', 'sandbox');
  const bootstrapPath = path.join(sandboxDir, 'bootstrap.cjs');
  const dataDir = path.join(work, 'data');
  cacheDir = path.join(dataDir, 'cache', 'v8');
  const inner = createForkLauncher({ bootstrapPath, codeCacheDir: cacheDir });
  const tampering = withSendHook(inner, (m) => {
    if (m.t === 'init' && onInit) {
      const f = onInit;
      onInit = undefined;
      f();
    }
  });
  const ext = path.join(work, 'py-json-tools');
  fs.cpSync(path.join(EXAMPLES, 'py-json-tools'), ext, { recursive: true });
  supervisor = createSupervisor({
    launcher: tampering,
    dataDir,
    logger: createLogger(logs),
    pythonSnapshot: { bootstrapPath, dir: cacheDir },
  });
  supervisor.add(await load(ext));
}, LONG);
afterAll(async () => {
  await supervisor?.stopAll();
  fs.rmSync(work, { recursive: true, force: true });
});

const format = () => supervisor.invoke(ID, 'py-json-tools.format', { text: '[1,2]' });
const ANSWER = { type: 'text', text: '[\n  1,\n  2\n]' };
const starts = () => logs.entries.map((e) => e.msg).filter((m) => /python started in \d+ ms/.test(m));

/** Same size, mtime within a millisecond of the original (the hook must not throw: checked after). */
function expectLookalike(file: string, original: Buffer, mtimeMs: number): void {
  const st = fs.statSync(file);
  expect(st.size).toBe(original.length);
  expect(Math.abs(st.mtimeMs - mtimeMs)).toBeLessThan(1);
  expect(fs.readFileSync(file).equals(original)).toBe(false);
}

/** Flips one byte in the middle of `file`, in place (same inode, same size), and puts its mtime back. */
function flipInPlace(file: string): Buffer {
  const original = fs.readFileSync(file);
  const st = fs.statSync(file);
  const fd = fs.openSync(file, 'r+');
  const at = Math.floor(original.length / 2);
  fs.writeSync(fd, Buffer.from([original[at]! ^ 0xff]), 0, 1, at);
  fs.closeSync(fd);
  // mtime put back (to the microsecond: utimes takes seconds as a double); ctime cannot be.
  fs.utimesSync(file, st.atime, st.mtime);
  return original;
}

/** Replaces `file` by a new inode (rename over it) holding other bytes of the same size, mtime kept. */
function swapInode(file: string): Buffer {
  const original = fs.readFileSync(file);
  const st = fs.statSync(file);
  const other = Buffer.from(original);
  other[other.length - 2]! ^= 0xff;
  fs.writeFileSync(`${file}.new`, other);
  fs.utimesSync(`${file}.new`, st.atime, st.mtime);
  fs.renameSync(`${file}.new`, file);
  return original;
}

async function stop(): Promise<void> {
  await supervisor.stop(ID);
}

describe('the Python runtime and snapshot, verified once per file identity', () => {
  it(
    'a normal start answers; the child hashes nothing the host verified',
    async () => {
      expect(await format()).toEqual(ANSWER);
      expect(starts().at(-1)).toMatch(/hashed 0\.0 MB$/);
      await stop();
    },
    LONG,
  );

  it(
    'a runtime file changed in place after the host verified it (same size, mtime put back) is refused by the child',
    async () => {
      const wasm = path.join(sandboxDir, 'python', 'pyodide.asm.wasm');
      const mtimeMs = fs.statSync(wasm).mtimeMs;
      let original: Buffer | undefined;
      onInit = () => (original = flipInPlace(wasm));
      const before = starts().length;
      await expect(format()).rejects.toMatchObject({
        code: 'EPERM',
        message: expect.stringMatching(/pyodide\.asm\.wasm changed after the host verified it/),
      });
      expectLookalike(wasm, original!, mtimeMs);
      expect(starts()).toHaveLength(before); // no interpreter started
      // The next start: the host sees another identity, hashes, and refuses before any child.
      await expect(format()).rejects.toMatchObject({
        code: 'EPERM',
        message: expect.stringMatching(/pyodide\.asm\.wasm does not match this build of Warden/),
      });
      expect(starts()).toHaveLength(before);
      // Put back (another identity again): hashed once more, and it starts.
      fs.writeFileSync(wasm, original!);
      expect(await format()).toEqual(ANSWER);
      expect(starts()).toHaveLength(before + 1);
      await stop();
    },
    LONG,
  );

  it(
    'a runtime file swapped for a new inode with other bytes of the same size is refused',
    async () => {
      const glue = path.join(sandboxDir, 'python', 'pyodide-bundle.js');
      const { ino, mtimeMs } = fs.statSync(glue);
      let original: Buffer | undefined;
      onInit = () => (original = swapInode(glue));
      const before = starts().length;
      await expect(format()).rejects.toMatchObject({
        code: 'EPERM',
        message: expect.stringMatching(/pyodide-bundle\.js changed after the host verified it/),
      });
      expectLookalike(glue, original!, mtimeMs);
      expect(fs.statSync(glue).ino).not.toBe(ino);
      expect(starts()).toHaveLength(before);
      fs.writeFileSync(glue, original!);
      expect(await format()).toEqual(ANSWER);
      await stop();
    },
    LONG,
  );

  it(
    'the memory snapshot changed after the host verified it is never started from (a cold start), then made again',
    async () => {
      const snap = fs.readdirSync(cacheDir).find((f) => /^python-[0-9a-f]+\.snap$/.test(f));
      expect(snap).toBeDefined();
      const file = path.join(cacheDir, snap!);
      const mtimeMs = fs.statSync(file).mtimeMs;
      let original: Buffer | undefined;
      onInit = () => (original = flipInPlace(file));
      expect(await format()).toEqual(ANSWER);
      expectLookalike(file, original!, mtimeMs);
      const warn = logs.entries
        .map((e) => e.msg)
        .find((m) => /memory snapshot changed after the host verified it/.test(m));
      expect(warn).toMatch(/^EPERM: .*starting cold/);
      expect(starts().at(-1)).toMatch(/\(cold\)/);
      await stop();
      // The host notices on the next start: the changed snapshot is deleted and made again.
      expect(await format()).toEqual(ANSWER);
      expect(starts().at(-1)).toMatch(/\(from a snapshot\).*hashed 0\.0 MB$/);
      await stop();
    },
    LONG,
  );
});
