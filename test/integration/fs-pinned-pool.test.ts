/**
 * The pinned-read worker pool (electron/core/gateways/fs/pinned-pool.ts) on real worker threads
 * and real files: a pin and a capped read through it, and what happens when the file system stops
 * answering. A hung mount is a worker blocked in the kernel: here a blocking open of a FIFO with no
 * writer (the pool's test-only stall), released at the end by opening the FIFO for writing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createPinnedPool, type PinnedPool } from '../../electron/core/gateways/fs/pinned-pool';

const linux = process.platform === 'linux';
const pools: PinnedPool[] = [];
const dirs: string[] = [];
const fifos: string[] = [];

afterEach(async () => {
  for (const f of fifos.splice(0)) unstall(f);
  for (const p of pools.splice(0)) await p.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'warden-pinpool-')));
  dirs.push(d);
  return d;
}

function pool(options: Parameters<typeof createPinnedPool>[0] = {}): PinnedPool {
  const p = createPinnedPool({ startAfter: 0, ...options });
  pools.push(p);
  return p;
}

function makeFifo(dir: string): string {
  const f = path.join(dir, 'stall');
  execFileSync('mkfifo', [f]);
  fifos.push(f);
  return f;
}

/** Lets a worker blocked opening `fifo` for reading go on (a writer appears and leaves). */
function unstall(fifo: string): void {
  try {
    fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
  } catch {
    // ENXIO: nobody is blocked on it
  }
}

/** Descriptors of this process that name `file` (a pin or an open file left behind). */
function fdsNaming(file: string): string[] {
  return fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  });
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

describe.runIf(linux)('pinned-read worker pool', () => {
  it('pins an object (real path, kind, size, identity) and reads it through the pin, closing both', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.txt');
    fs.writeFileSync(file, 'hello pinned');
    fs.symlinkSync('a.txt', path.join(dir, 'link'));
    const p = pool();
    await p.whenReady();
    const pin = (await p.pin(path.join(dir, 'link')))!;
    const st = fs.statSync(file);
    expect(pin).toMatchObject({ real: file, kind: 'file', size: 12, dev: st.dev, ino: st.ino });
    // Swapped after the pin: the read still yields the pinned object.
    fs.renameSync(file, path.join(dir, 'moved'));
    fs.writeFileSync(file, 'OTHER');
    const bytes = await p.read(pin.fd, fs.constants.O_RDONLY, pin.size, 1024);
    expect(new TextDecoder().decode(bytes as Uint8Array)).toBe('hello pinned');
    expect(fdsNaming(path.join(dir, 'moved'))).toEqual([]);
    expect(await p.pin(path.join(dir, 'missing'))).toBeUndefined();
    expect((await p.pin(dir))!.kind).toBe('directory');
  });

  it('caps a read: a file past the cap, or grown past it since its size was taken, is too big', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'b.txt');
    fs.writeFileSync(file, '123456789');
    const p = pool();
    const pin = (await p.pin(file))!;
    expect(await p.read(pin.fd, fs.constants.O_RDONLY, 3, 8)).toBe('too-big');
    const again = (await p.pin('/proc/self/status'))!;
    expect(again.size).toBe(0);
    expect(await p.read(again.fd, fs.constants.O_RDONLY, 0, 16)).toBe('too-big');
  });

  it('a step that hangs fails with ETIMEDOUT, its worker is replaced, and its late pin is closed', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'c.txt');
    fs.writeFileSync(file, 'still readable');
    const fifo = makeFifo(dir);
    let stall: string | undefined = fifo;
    const p = pool({ timeoutMs: 300, testStall: () => stall });
    await p.whenReady();
    await expect(p.pin(file)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(p.stats()).toMatchObject({ live: 0, abandoned: 1 });
    stall = undefined;
    // A fresh worker serves the next read while the first is still blocked in the kernel.
    const pin = (await p.pin(file))!;
    expect(new TextDecoder().decode((await p.read(pin.fd, 0, pin.size, 100)) as Uint8Array)).toBe('still readable');
    expect(p.stats()).toMatchObject({ live: 1, abandoned: 1 });
    // The hung call returns at last: its worker finishes (cancelled: the pin it was about to make is
    // never made, or closed) and is ended; nothing it touched stays open.
    unstall(fifo);
    await until(() => p.stats().abandoned === 0);
    expect(fdsNaming(file)).toEqual([]);
  });

  it('holds only a few stuck workers: past them a read fails at once, and waiting is bounded', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'd.txt');
    fs.writeFileSync(file, 'x');
    const fifo = makeFifo(dir);
    const p = pool({ timeoutMs: 200, maxAbandoned: 1, maxWorkers: 1, testStall: () => fifo });
    await expect(p.pin(file)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(p.stats()).toMatchObject({ live: 0, abandoned: 1 });
    await expect(p.pin(file)).rejects.toMatchObject({ code: 'ETIMEDOUT' }); // no new worker: at once
    unstall(fifo);
    await until(() => p.stats().abandoned === 0);

    // Waiting for room is bounded too: one posted, two waiting, the fourth refused. (No short wait
    // for answers here: one taken at once would free the room this counts on.)
    const q = pool({ maxWorkers: 1, maxPendingPerWorker: 1, maxWaiting: 2, spinUs: 0 });
    await q.whenReady();
    const held = [q.pin(file), q.pin(file), q.pin(file)];
    await expect(q.pin(file)).rejects.toMatchObject({ code: 'EPOOLFULL' });
    expect(q.stats().waiting).toBe(2);
    for (const pin of await Promise.all(held)) q.release(pin!.fd);
    await until(() => fdsNaming(file).length === 0);
  });

  it('takes a quick answer off the port while it waits a moment, the same answer as the usual way', async () => {
    const dir = tempDir();
    const files = ['e.txt', 'f.txt', 'g.txt'].map((name, i) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, `${name} `.repeat(100 * (i + 1)));
      return f;
    });
    // A generous wait, so that (nearly) every step is answered within it, even on a busy machine.
    const quick = pool({ spinUs: 50_000 });
    const usual = pool({ spinUs: 0 });
    await Promise.all([quick.whenReady(), usual.whenReady()]);
    const readAll = async (p: PinnedPool) => {
      const out: string[] = [];
      for (let round = 0; round < 10; round++)
        for (const f of files) {
          const pin = (await p.pin(f))!;
          expect(pin.real).toBe(f);
          out.push(new TextDecoder().decode((await p.read(pin.fd, 0, pin.size, 1 << 20)) as Uint8Array));
        }
      return out;
    };
    const a = await readAll(quick);
    expect(a).toEqual(await readAll(usual));
    expect(a[2]).toBe('g.txt '.repeat(300));
    expect(quick.stats().quickAnswers).toBeGreaterThan(0);
    expect(usual.stats().quickAnswers).toBe(0);
    for (const f of files) expect(fdsNaming(f)).toEqual([]);
  });
});
