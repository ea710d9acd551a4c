/**
 * The fs gateway against real files: symlinks and hardlinks in and out of a granted folder, a
 * `<granted>-evil` sibling, special files, error mapping without host paths, and files swapped
 * between the permission check and the open (via the test-only `afterCheck` hook).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFsGateway, type FsGatewayOptions } from '../../electron/core/gateways/fs/fs-gateway';
import { createPinnedPool, type PinnedPool } from '../../electron/core/gateways/fs/pinned-pool';
import { isInside } from '../../electron/core/gateways/fs/containment';
import { WardenError } from '../../electron/common/errors';
import type { PermissionRequest } from '../../electron/core/permissions/types';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/**
 * Where pinned reads run (Linux): on the libuv thread pool (a pool whose worker never starts) or
 * on a worker thread (pinned-pool.ts, started at once). Reads are tested both ways.
 */
const PINNED_MODES = [
  { pinned: 'libuv', pool: createPinnedPool({ startAfter: Infinity }) },
  { pinned: 'worker', pool: createPinnedPool({ startAfter: 0 }) },
];
let pinnedPool: PinnedPool = PINNED_MODES[0]!.pool;
const usePinnedMode = (pool: PinnedPool) =>
  beforeAll(async () => {
    pinnedPool = pool;
    if (pool === PINNED_MODES[1]!.pool && process.platform === 'linux') await pool.whenReady();
  });
afterAll(async () => {
  for (const m of PINNED_MODES) await m.pool.close();
});

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/**
 * base/ (the home folder)
 *   granted/  a/a.txt a/b/b.txt b.txt  link→../outside  secret→../outside/secret  inlink→a
 *             filelink→b.txt  dangling→../outside/nothing  hard (hardlink of outside/hard-target)
 *   granted-evil/secret   outside/secret outside/hard-target outside/a/a.txt
 */
function setup(extra: Partial<FsGatewayOptions> = {}, grantedRel = 'granted') {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'warden-fsgw-')));
  dirs.push(base);
  const at = (...p: string[]) => path.join(base, ...p);
  for (const d of ['granted/a/b', 'granted-evil', 'outside/a']) fs.mkdirSync(at(d), { recursive: true });
  const files: Record<string, string> = {
    'granted/a/a.txt': 'G-a',
    'granted/a/b/b.txt': 'G-b',
    'granted/b.txt': 'G-btxt',
    'granted-evil/secret': 'EVIL',
    'outside/secret': 'SECRET',
    'outside/hard-target': 'HARD',
    'outside/a/a.txt': 'OUT-a',
  };
  for (const [rel, text] of Object.entries(files)) fs.writeFileSync(at(rel), text);
  fs.symlinkSync('../outside', at('granted/link'));
  fs.symlinkSync('../outside/secret', at('granted/secret'));
  fs.symlinkSync('a', at('granted/inlink'));
  fs.symlinkSync('b.txt', at('granted/filelink'));
  fs.symlinkSync('../outside/nothing', at('granted/dangling'));
  fs.linkSync(at('outside/hard-target'), at('granted/hard'));

  const granted = at(grantedRel);
  const requests: PermissionRequest[] = [];
  const gw = createFsGateway({
    homeDir: base,
    pinnedPool,
    authorize: async (req) => {
      requests.push(req);
      return isInside(granted, req.target)
        ? { allow: true, via: 'grant' }
        : { allow: false, reason: 'denied', via: 'prompt' };
    },
    ...extra,
  });
  return { base, at, gw, requests, granted };
}

/** The WardenError a call rejects with; its message never names the temp folder. */
async function failure(p: Promise<unknown>, base: string): Promise<WardenError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WardenError);
  const w = err as WardenError;
  expect(w.message).not.toContain(base);
  expect(w.message).not.toMatch(/warden-fsgw-/);
  return w;
}

describe.each(PINNED_MODES)('fs gateway: reads and permissions (pinned reads on $pinned)', ({ pool }) => {
  usePinnedMode(pool);
  it('reads a granted file by ~ path and by absolute path, asking about its real path', async () => {
    const { gw, at, requests } = setup();
    expect(dec(await gw.readBytes('~/granted/a/a.txt'))).toBe('G-a');
    expect(dec(await gw.readBytes(at('granted/a/../a/./b/b.txt')))).toBe('G-b');
    // A read's kind may come as a promise (its fstat runs beside the decision): what it settles to.
    const settled = await Promise.all(requests.map(async (r) => ({ ...r, kind: await r.kind })));
    expect(settled).toEqual([
      // The real path, with the display form the prompt shows (gateways/fs/fs-target.ts).
      { capability: 'fs.read', target: at('granted/a/a.txt'), display: '~/granted/a/a.txt', kind: 'file' },
      { capability: 'fs.read', target: at('granted/a/b/b.txt'), display: '~/granted/a/b/b.txt', kind: 'file' },
    ]);
  });

  it('refuses a path outside the grant with EPERM, naming the path as given', async () => {
    const { gw, base } = setup();
    for (const p of [
      '~/outside/secret',
      '~/granted-evil/secret',
      '~/granted/../granted-evil/secret',
      '~/granted/../outside/a/a.txt',
    ]) {
      const err = await failure(gw.readBytes(p), base);
      expect(err).toMatchObject({ code: 'EPERM', reason: 'denied' });
      expect(err.message).toContain(`fs.read ${p}:`);
    }
  });

  it('passes the broker’s reason through', async () => {
    const { base } = setup();
    for (const reason of ['undeclared', 'denied', 'policy', 'timeout'] as const) {
      const gw = createFsGateway({
        homeDir: base,
        pinnedPool,
        authorize: async () => ({ allow: false, reason, via: 'manifest' }),
      });
      await expect(gw.readBytes('~/granted/b.txt')).rejects.toMatchObject({ code: 'EPERM', reason });
      await expect(gw.writeBytes('~/granted/new', enc('x'))).rejects.toMatchObject({ code: 'EPERM', reason });
    }
    expect(fs.existsSync(path.join(base, 'granted/new'))).toBe(false);
  });

  it('fails closed when the broker throws', async () => {
    const { base } = setup();
    const gw = createFsGateway({
      pinnedPool,
      homeDir: base,
      authorize: async () => {
        throw new Error(`broker broke at ${base}`);
      },
    });
    const err = await failure(gw.writeBytes('~/granted/new', enc('x')), base);
    expect(err.code).toBe('EINTERNAL');
    expect(fs.existsSync(path.join(base, 'granted/new'))).toBe(false);
  });

  it('never follows a symlink out of the granted folder', async () => {
    const { gw, base, at, requests } = setup();
    for (const call of [
      () => gw.readBytes('~/granted/secret'),
      () => gw.stat('~/granted/secret'),
      () => gw.list('~/granted/link'),
      () => gw.readBytes('~/granted/link/secret'),
      () => gw.readBytes('~/granted/link/a/a.txt'),
      () => gw.writeBytes('~/granted/secret', enc('pwned')),
      () => gw.writeBytes('~/granted/link/new.txt', enc('pwned')),
      () => gw.mkdir('~/granted/link/newdir', { recursive: true }),
      () => gw.mkdir('~/granted/link/newdir'),
      () => gw.remove('~/granted/link/secret'),
    ]) {
      expect(await failure(call(), base)).toMatchObject({ code: 'EPERM', reason: 'denied' });
    }
    // The broker was asked about the real targets, outside the grant.
    expect(requests).toHaveLength(10);
    expect(requests.every((r) => isInside(at('outside'), r.target))).toBe(true);
    expect(fs.readFileSync(at('outside/secret'), 'utf8')).toBe('SECRET');
    expect(fs.readdirSync(at('outside')).sort()).toEqual(['a', 'hard-target', 'secret']);
  });

  it('follows a symlink that stays inside the granted folder', async () => {
    const { gw, at, requests } = setup();
    expect(dec(await gw.readBytes('~/granted/filelink'))).toBe('G-btxt');
    expect(dec(await gw.readBytes('~/granted/inlink/b/b.txt'))).toBe('G-b');
    expect((await gw.list('~/granted/inlink')).map((e) => e.name)).toEqual(['a.txt', 'b']);
    await gw.writeBytes('~/granted/inlink/new.txt', enc('via link'));
    expect(fs.readFileSync(at('granted/a/new.txt'), 'utf8')).toBe('via link');
    expect(requests.map((r) => r.target)).toEqual([
      at('granted/b.txt'),
      at('granted/a/b/b.txt'),
      at('granted/a'),
      at('granted/a/new.txt'),
    ]);
  });

  it('reads a file hard-linked into the granted folder (same inode: as on any POSIX system)', async () => {
    const { gw, at } = setup();
    // A hardlink is not a pointer but another name of the same file; the granted name is read.
    expect(dec(await gw.readBytes('~/granted/hard'))).toBe('HARD');
    await gw.writeBytes('~/granted/hard', enc('HARD2'));
    expect(fs.readFileSync(at('outside/hard-target'), 'utf8')).toBe('HARD2');
    // Removing the granted name leaves the other name alone.
    await gw.remove('~/granted/hard');
    expect(fs.readFileSync(at('outside/hard-target'), 'utf8')).toBe('HARD2');
  });

  it('does not reveal whether a path outside the grant exists', async () => {
    const { gw, base } = setup();
    for (const p of ['~/outside/secret', '~/outside/nothing', '~/outside/nothing/deeper', '~/outside/secret/x']) {
      expect(await failure(gw.stat(p), base)).toMatchObject({ code: 'EPERM' });
      expect(await failure(gw.readBytes(p), base)).toMatchObject({ code: 'EPERM' });
    }
    expect(await failure(gw.readBytes('~/granted/nothing'), base)).toMatchObject({ code: 'ENOENT' });
    expect(await failure(gw.readBytes('~/granted/nothing/deeper'), base)).toMatchObject({ code: 'ENOENT' });
    expect(await failure(gw.readBytes('~/granted/b.txt/x'), base)).toMatchObject({ code: 'ENOTDIR' });
  });

  it('refuses a dangling symlink instead of creating its target', async () => {
    const { gw, base, at } = setup();
    expect(await failure(gw.writeBytes('~/granted/dangling', enc('x')), base)).toMatchObject({ code: 'EPERM' });
    expect(await failure(gw.readBytes('~/granted/dangling'), base)).toMatchObject({ code: 'EPERM' });
    expect(await failure(gw.mkdir('~/granted/dangling/x', { recursive: true }), base)).toMatchObject({
      code: 'EPERM',
    });
    expect(fs.existsSync(at('outside/nothing'))).toBe(false);
  });

  it('caps reads without reading and refuses special files', async () => {
    const { base, at } = setup();
    const requests: PermissionRequest[] = [];
    const authorize = async (req: PermissionRequest) => {
      requests.push(req);
      return { allow: true, via: 'grant' } as const;
    };
    const gw = createFsGateway({
      homeDir: base,
      authorize,
      pinnedPool,
      limits: { maxReadBytes: 5, maxWriteBytes: 4 },
    });
    fs.writeFileSync(at('granted/five'), '12345');
    fs.writeFileSync(at('granted/six'), '123456');
    expect(dec(await gw.readBytes('~/granted/five'))).toBe('12345');
    expect(await failure(gw.readBytes('~/granted/six'), base)).toMatchObject({ code: 'E2BIG' });
    expect(await failure(gw.writeBytes('~/granted/w', enc('12345')), base)).toMatchObject({ code: 'E2BIG' });
    expect(fs.existsSync(at('granted/w'))).toBe(false);
    await gw.writeBytes('~/granted/w', enc('1234'));
    expect(await failure(gw.readBytes('/dev/zero'), base)).toMatchObject({ code: 'EINVAL' });
    expect(await failure(gw.readBytes('~/granted'), base)).toMatchObject({ code: 'EISDIR' });
    // The broker was told it is a directory ("this folder" is the folder itself), if it asks.
    expect(await requests.at(-1)!.kind).toBe('directory');
    expect(await failure(gw.writeBytes('/dev/null', enc('x')), base)).toMatchObject({ code: 'EINVAL' });
    let fifo = false;
    try {
      execFileSync('mkfifo', [at('granted/fifo')]);
      fifo = true;
    } catch {
      // no mkfifo on this machine
    }
    if (fifo) {
      expect(await failure(gw.readBytes('~/granted/fifo'), base)).toMatchObject({ code: 'EINVAL' });
      expect(await failure(gw.writeBytes('~/granted/fifo', enc('x')), base)).toMatchObject({ code: 'EINVAL' });
    }
  });

  // /proc/self/fd names an unlinked file "<path> (deleted)": the pinned read never trusts such a
  // name and takes the anchored path, which reads a live file of that name like any other.
  it('reads a file whose name ends like the kernel marker of an unlinked file', async () => {
    const { gw, at, requests, base } = setup();
    fs.writeFileSync(at('granted/x (deleted)'), 'LIVE');
    expect(dec(await gw.readBytes('~/granted/x (deleted)'))).toBe('LIVE');
    expect(requests.map((r) => r.target)).toEqual([path.join(base, 'granted/x (deleted)')]);
    fs.writeFileSync(at('outside/y (deleted)'), 'NO');
    expect(await failure(gw.readBytes('~/outside/y (deleted)'), base)).toMatchObject({ code: 'EPERM' });
  });

  it('caps a file that is larger than it first claimed (procfs reports size 0)', async () => {
    const gw = createFsGateway({
      pinnedPool,
      homeDir: os.tmpdir(),
      authorize: async () => ({ allow: true, via: 'grant' }),
      limits: { maxReadBytes: 8 },
    });
    if (fs.existsSync('/proc/self/status'))
      await expect(gw.readBytes('/proc/self/status')).rejects.toMatchObject({ code: 'E2BIG' });
  });
});

describe('fs gateway: writes, folders, removal', () => {
  it('creates and replaces files, asking fs.write about the real path', async () => {
    const { gw, at, requests, base } = setup();
    await gw.writeBytes('~/granted/new.txt', enc('hello world'));
    await gw.writeBytes('~/granted/new.txt', enc('short'));
    expect(fs.readFileSync(at('granted/new.txt'), 'utf8')).toBe('short');
    expect(requests.map((r) => r.capability)).toEqual(['fs.write', 'fs.write']);
    expect(requests[0]!.target).toBe(at('granted/new.txt'));
    expect(await failure(gw.writeBytes('~/granted/a', enc('x')), base)).toMatchObject({ code: 'EISDIR' });
    expect(await failure(gw.writeBytes('~/granted/none/x.txt', enc('x')), base)).toMatchObject({ code: 'ENOENT' });
    expect(await failure(gw.writeBytes('~/granted/b.txt/x', enc('x')), base)).toMatchObject({ code: 'ENOTDIR' });
    for (const p of ['~/granted/a/..', '~/granted/.', '/', '~/granted/a/b/../']) {
      expect(await failure(gw.writeBytes(p, enc('x')), base)).toMatchObject({ code: 'EINVAL' });
    }
  });

  it('lists and stats like the data folder', async () => {
    const { gw } = setup();
    expect(await gw.list('~/granted')).toEqual([
      { name: 'a', kind: 'directory', size: 0 },
      { name: 'b.txt', kind: 'file', size: 6 },
      { name: 'dangling', kind: 'other', size: 0 },
      { name: 'filelink', kind: 'other', size: 0 },
      { name: 'hard', kind: 'file', size: 4 },
      { name: 'inlink', kind: 'other', size: 0 },
      { name: 'link', kind: 'other', size: 0 },
      { name: 'secret', kind: 'other', size: 0 },
    ]);
    const st = await gw.stat('~/granted/b.txt');
    expect(st).toMatchObject({ kind: 'file', size: 6 });
    expect(Number.isInteger(st.mtimeMs)).toBe(true);
    expect(await gw.stat('~/granted/a')).toMatchObject({ kind: 'directory', size: 0 });
    expect(await gw.stat('~/granted/filelink')).toMatchObject({ kind: 'file', size: 6 });
  });

  it('lists and stats a file system root', async () => {
    const gw = createFsGateway({ homeDir: os.tmpdir(), authorize: async () => ({ allow: true, via: 'grant' }) });
    expect((await gw.stat('/')).kind).toBe('directory');
    expect((await gw.list('/')).some((e) => e.name === 'tmp' || e.name === 'usr')).toBe(true);
    await expect(gw.remove('/', { recursive: true })).rejects.toMatchObject({ code: 'EINVAL' });
    await expect(gw.mkdir('/')).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('makes folders, one level or many, asking about each folder it creates', async () => {
    const { gw, at, requests, base } = setup();
    await gw.mkdir('~/granted/new');
    expect(fs.statSync(at('granted/new')).isDirectory()).toBe(true);
    expect(await failure(gw.mkdir('~/granted/new'), base)).toMatchObject({ code: 'EEXIST' });
    expect(await failure(gw.mkdir('~/granted/x/y'), base)).toMatchObject({ code: 'ENOENT' });
    expect(await failure(gw.mkdir('~/granted/b.txt', { recursive: true }), base)).toMatchObject({ code: 'ENOTDIR' });
    expect(await failure(gw.mkdir('~/granted/b.txt/x', { recursive: true }), base)).toMatchObject({
      code: 'ENOTDIR',
    });
    requests.length = 0;
    await gw.mkdir('~/granted/x/y/z', { recursive: true });
    await gw.mkdir('~/granted/x/y/z', { recursive: true });
    expect(fs.statSync(at('granted/x/y/z')).isDirectory()).toBe(true);
    expect(requests.map((r) => r.target)).toEqual([
      at('granted/x/y/z'),
      at('granted/x'),
      at('granted/x/y'),
      at('granted/x/y/z'),
    ]);
    expect(await failure(gw.mkdir('~/granted/a/..'), base)).toMatchObject({ code: 'EINVAL' });
  });

  it('creates nothing when one of the folders to create is not granted', async () => {
    const { gw, at, base } = setup({}, 'granted/deep/x');
    expect(await failure(gw.mkdir('~/granted/deep/x/y', { recursive: true }), base)).toMatchObject({ code: 'EPERM' });
    expect(fs.existsSync(at('granted/deep'))).toBe(false);
  });

  it('removes files, links (not their targets) and folders', async () => {
    const { gw, at, base } = setup();
    await gw.remove('~/granted/b.txt');
    expect(fs.existsSync(at('granted/b.txt'))).toBe(false);
    await gw.remove('~/granted/secret'); // the link lives in the grant; its target is untouched
    expect(fs.existsSync(at('granted/secret'))).toBe(false);
    expect(fs.readFileSync(at('outside/secret'), 'utf8')).toBe('SECRET');
    expect(await failure(gw.remove('~/granted/a'), base)).toMatchObject({ code: 'EINVAL' });
    expect(await failure(gw.remove('~/granted/nothing'), base)).toMatchObject({ code: 'ENOENT' });
    expect(await failure(gw.remove('~/granted/a/..'), base)).toMatchObject({ code: 'EINVAL' });
    expect(await failure(gw.remove('~/outside/secret'), base)).toMatchObject({ code: 'EPERM' });
    fs.mkdirSync(at('granted/empty'));
    await gw.remove('~/granted/empty');
    expect(fs.existsSync(at('granted/empty'))).toBe(false);
  });

  it('removes a tree recursively without descending into links', async () => {
    const { gw, at } = setup();
    fs.symlinkSync('../../outside', at('granted/a/out'));
    fs.symlinkSync('../../outside/secret', at('granted/a/b/sec'));
    await gw.remove('~/granted', { recursive: true });
    expect(fs.existsSync(at('granted'))).toBe(false);
    expect(fs.readdirSync(at('outside')).sort()).toEqual(['a', 'hard-target', 'secret']);
    expect(fs.readFileSync(at('outside/a/a.txt'), 'utf8')).toBe('OUT-a');
  });
});

/** Moves `rel` aside and puts a symlink to `target` in its place. */
function swapForLink(at: (...p: string[]) => string, rel: string, target: string) {
  fs.renameSync(at(rel), at(`${rel}.moved`));
  fs.symlinkSync(target, at(rel));
}

describe.each([
  { mode: '/proc/self/fd anchors', noProcFd: false, pool: PINNED_MODES[0]!.pool },
  { mode: '/proc/self/fd anchors, pinned reads on a worker', noProcFd: false, pool: PINNED_MODES[1]!.pool },
  { mode: 'portable checks', noProcFd: true, pool: PINNED_MODES[0]!.pool },
])('fs gateway: swaps between check and use ($mode)', ({ noProcFd, pool }) => {
  usePinnedMode(pool);
  function swapping(swap: (at: (...p: string[]) => string) => void) {
    let at: (...p: string[]) => string = () => '';
    const env = setup({
      testHooks: {
        noProcFd,
        afterCheck: () => swap(at),
      },
    });
    at = env.at;
    return env;
  }

  /**
   * A read swapped under after its check never returns what was swapped in. With /proc the object
   * was pinned (O_PATH) before the check and is read through the pin, so the read returns exactly
   * the checked file's bytes; the portable checks re-open by name and refuse with EPERM.
   */
  async function readsOnlyTheChecked(p: Promise<Uint8Array>, base: string, checked: string) {
    if (noProcFd || process.platform !== 'linux') {
      expect(await failure(p, base)).toMatchObject({ code: 'EPERM' });
      return;
    }
    expect(dec(await p)).toBe(checked);
  }

  it('read: a file swapped for a symlink to a secret never yields the secret', async () => {
    const { gw, base, requests } = swapping((at) => swapForLink(at, 'granted/a/a.txt', at('outside/secret')));
    await readsOnlyTheChecked(gw.readBytes('~/granted/a/a.txt'), base, 'G-a');
    expect(requests.map((r) => r.target)).toEqual([path.join(base, 'granted/a/a.txt')]);
  });

  it('read: a file replaced by another file yields the checked one or nothing', async () => {
    const { gw, base } = swapping((at) => {
      fs.writeFileSync(at('granted/other'), 'OTHER');
      fs.renameSync(at('granted/other'), at('granted/a/a.txt'));
    });
    await readsOnlyTheChecked(gw.readBytes('~/granted/a/a.txt'), base, 'G-a');
  });

  it('read: a parent folder swapped for a symlink outside never yields the outside file', async () => {
    const { gw, base } = swapping((at) => swapForLink(at, 'granted/a', at('outside/a')));
    await readsOnlyTheChecked(gw.readBytes('~/granted/a/a.txt'), base, 'G-a');
  });

  // The file outside is the very inode that was checked (a hard link of it), so only the check of
  // the opened *name* (the pin's /proc/self/fd name, or the held parent) can tell: a read must go
  // through the checked path, not merely reach the checked inode.
  it('read: a parent swapped for a link to a folder holding a hard link of the same file', async () => {
    const { gw, base, at } = swapping((at) => {
      fs.mkdirSync(at('outside/h'));
      fs.linkSync(at('granted/a/a.txt'), at('outside/h/a.txt'));
      swapForLink(at, 'granted/a', at('outside/h'));
    });
    await readsOnlyTheChecked(gw.readBytes('~/granted/a/a.txt'), base, 'G-a');
    expect(fs.statSync(at('outside/h/a.txt')).ino).toBe(fs.statSync(at('granted/a.moved/a.txt')).ino);
  });

  it('read: the granted folder itself swapped for a copy elsewhere never yields the copy', async () => {
    const { gw, base } = swapping((at) => {
      fs.cpSync(at('granted'), at('outside/copy'), { recursive: true, verbatimSymlinks: true });
      fs.writeFileSync(at('outside/copy/a/a.txt'), 'COPY');
      swapForLink(at, 'granted', at('outside/copy'));
    });
    await readsOnlyTheChecked(gw.readBytes('~/granted/a/a.txt'), base, 'G-a');
  });

  it('write: an existing file swapped for a symlink is refused and the target untouched', async () => {
    const { gw, base, at } = swapping((at) => swapForLink(at, 'granted/b.txt', at('outside/secret')));
    expect(await failure(gw.writeBytes('~/granted/b.txt', enc('pwned')), base)).toMatchObject({ code: 'EPERM' });
    expect(fs.readFileSync(at('outside/secret'), 'utf8')).toBe('SECRET');
    expect(fs.readFileSync(at('granted/b.txt.moved'), 'utf8')).toBe('G-btxt');
  });

  it('write: a file replaced by another is refused and neither changes', async () => {
    const { gw, base, at } = swapping((at) => {
      fs.writeFileSync(at('granted/other'), 'OTHER');
      fs.renameSync(at('granted/other'), at('granted/b.txt'));
    });
    expect(await failure(gw.writeBytes('~/granted/b.txt', enc('pwned')), base)).toMatchObject({ code: 'EPERM' });
    expect(fs.readFileSync(at('granted/b.txt'), 'utf8')).toBe('OTHER');
  });

  it('write: a symlink planted where a new file was to be is refused', async () => {
    const { gw, base, at } = swapping((at) => fs.symlinkSync(at('outside/planted'), at('granted/new.txt')));
    expect(await failure(gw.writeBytes('~/granted/new.txt', enc('pwned')), base)).toMatchObject({ code: 'EPERM' });
    expect(fs.existsSync(at('outside/planted'))).toBe(false);
  });

  it('write: a parent swapped for a symlink outside gets no new file', async () => {
    const { gw, base, at } = swapping((at) => swapForLink(at, 'granted/a', at('outside/a')));
    expect(await failure(gw.writeBytes('~/granted/a/new.txt', enc('pwned')), base)).toMatchObject({
      code: 'EPERM',
    });
    expect(await failure(gw.writeBytes('~/granted/a/a.txt', enc('pwned')), base)).toMatchObject({ code: 'EPERM' });
    expect(fs.readdirSync(at('outside/a'))).toEqual(['a.txt']);
    expect(fs.readFileSync(at('outside/a/a.txt'), 'utf8')).toBe('OUT-a');
  });

  it('list and stat: a swapped folder or file is refused', async () => {
    const { gw, base } = swapping((at) => {
      if (fs.lstatSync(at('granted/a')).isSymbolicLink()) return;
      swapForLink(at, 'granted/a', at('outside/a'));
    });
    expect(await failure(gw.list('~/granted/a'), base)).toMatchObject({ code: 'EPERM' });
    const env2 = swapping((at) => swapForLink(at, 'granted/b.txt', at('outside/secret')));
    expect(await failure(env2.gw.stat('~/granted/b.txt'), env2.base)).toMatchObject({ code: 'EPERM' });
  });

  it('remove: a parent swapped for a symlink outside removes nothing there', async () => {
    const { gw, base, at } = swapping((at) => swapForLink(at, 'granted/a', at('outside/a')));
    expect(await failure(gw.remove('~/granted/a/a.txt'), base)).toMatchObject({ code: 'EPERM' });
    expect(fs.readFileSync(at('outside/a/a.txt'), 'utf8')).toBe('OUT-a');
  });

  it('remove: a folder swapped for a symlink is not descended into', async () => {
    const { gw, base, at } = swapping((at) => swapForLink(at, 'granted/a', at('outside/a')));
    expect(await failure(gw.remove('~/granted/a', { recursive: true }), base)).toMatchObject({ code: 'EPERM' });
    expect(fs.readFileSync(at('outside/a/a.txt'), 'utf8')).toBe('OUT-a');
  });

  it('mkdir: a parent swapped for a symlink outside gets no new folder', async () => {
    const { gw, base, at } = swapping((at) => {
      if (!fs.lstatSync(at('granted/a')).isSymbolicLink()) swapForLink(at, 'granted/a', at('outside/a'));
    });
    expect(await failure(gw.mkdir('~/granted/a/new'), base)).toMatchObject({ code: 'EPERM' });
    expect(await failure(gw.mkdir('~/granted/a/new2/deeper', { recursive: true }), base)).toMatchObject({
      code: 'EPERM',
    });
    expect(fs.readdirSync(at('outside/a'))).toEqual(['a.txt']);
  });
});

// Warden's own files (its data folder, its code) are never reachable, whatever is granted: a grant
// of the whole home must not let an extension grant itself more, read other extensions' secrets
// or data, or rewrite the sandbox. Refused before the broker is asked: nobody is prompted.
describe('fs gateway: protected paths', () => {
  function protectedSetup() {
    const env = setup();
    const requests: PermissionRequest[] = [];
    fs.mkdirSync(env.at('granted/wd/extensions'), { recursive: true });
    fs.writeFileSync(env.at('granted/wd/grants.json'), '{"grants":[]}');
    fs.writeFileSync(env.at('granted/wd-sibling'), 'SIBLING');
    fs.symlinkSync('wd/grants.json', env.at('granted/to-grants'));
    const gw = createFsGateway({
      homeDir: env.base,
      // Everything under the granted folder is allowed: only the protection stands in the way.
      authorize: async (req) => {
        requests.push(req);
        return isInside(env.granted, req.target)
          ? { allow: true, via: 'grant' }
          : { allow: false, reason: 'denied', via: 'prompt' };
      },
      protectedPaths: [env.at('granted/wd'), env.at('granted/not-yet')],
    });
    return { ...env, gw, requests };
  }
  const refused = { code: 'EPERM', reason: 'policy' };

  it('reads, lists, stats, writes and mkdirs inside are refused with EPERM/policy, without asking', async () => {
    const { gw, base, requests } = protectedSetup();
    for (const call of [
      () => gw.readBytes('~/granted/wd/grants.json'),
      () => gw.list('~/granted/wd'),
      () => gw.stat('~/granted/wd/grants.json'),
      () => gw.writeBytes('~/granted/wd/grants.json', enc('{"grants":["*"]}')),
      () => gw.writeBytes('~/granted/wd/extensions/new.js', enc('x')),
      () => gw.mkdir('~/granted/wd/extensions/evil', { recursive: true }),
      () => gw.mkdir('~/granted/not-yet'),
    ]) {
      const err = await failure(call(), base);
      expect(err).toMatchObject(refused);
      expect(err.message).toMatch(/Warden's own files are not available to extensions/);
    }
    expect(requests).toEqual([]);
  });

  it('a symlink in a granted folder that leads into them is refused', async () => {
    const { gw, base } = protectedSetup();
    expect(await failure(gw.readBytes('~/granted/to-grants'), base)).toMatchObject(refused);
  });

  it('removing them, or a folder that holds them, is refused and nothing is removed', async () => {
    const { gw, base, at } = protectedSetup();
    expect(await failure(gw.remove('~/granted/wd/grants.json'), base)).toMatchObject(refused);
    expect(await failure(gw.remove('~/granted/wd', { recursive: true }), base)).toMatchObject(refused);
    expect(await failure(gw.remove('~/granted', { recursive: true }), base)).toMatchObject(refused);
    expect(fs.readFileSync(at('granted/wd/grants.json'), 'utf8')).toBe('{"grants":[]}');
    expect(fs.existsSync(at('granted/a/a.txt'))).toBe(true);
  });

  it('names beside them are not affected (containment is by path segment, not prefix)', async () => {
    const { gw } = protectedSetup();
    expect(new TextDecoder().decode(await gw.readBytes('~/granted/wd-sibling'))).toBe('SIBLING');
    expect((await gw.list('~/granted')).map((e) => e.name)).toContain('wd');
    await gw.writeBytes('~/granted/a/new.txt', enc('ok'));
    await gw.remove('~/granted/a', { recursive: true });
  });
});
