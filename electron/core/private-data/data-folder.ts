/**
 * `host.fs.*` on relative paths: the extension's private data folder. Paths are resolved in the
 * host, must stay inside the folder after `.`/`..` are applied, and symbolic links are never
 * followed (the parent is checked by real path, the final component opened with O_NOFOLLOW and
 * the opened descriptor checked), so a link planted in the folder cannot lead outside it.
 */
import fs from 'node:fs/promises';
import { constants as C } from 'node:fs';
import path from 'node:path';
import { WardenError } from '../../common/errors';
import type { DirEntry, FileStat } from '../../common/guest-api';
// One errno → WardenError mapping for every file operation an extension causes.
import { mapFsError } from '../gateways/fs/errors';

export const MAX_READ_BYTES = 16 * 1024 * 1024;

export type { DirEntry, FileStat };

export interface DataFolder {
  readBytes(rel: string): Promise<Uint8Array>;
  writeBytes(rel: string, data: Uint8Array): Promise<void>;
  list(rel: string): Promise<DirEntry[]>;
  stat(rel: string): Promise<FileStat>;
  mkdir(rel: string, recursive: boolean): Promise<void>;
  remove(rel: string, recursive: boolean): Promise<void>;
  usedBytes(): Promise<number>;
}

export interface DataFolderOptions {
  root: string;
  quota: { limitBytes(): number; otherBytes(): Promise<number> };
}

/** True for a path the data folder handles: not absolute, not `~`, not a drive or UNC path. */
export function isRelativeDataPath(p: string): boolean {
  return !(p.startsWith('/') || p === '~' || p.startsWith('~/') || p.startsWith('\\') || /^[A-Za-z]:/.test(p));
}

/** Lexical resolution inside the folder: the segments, or an error naming the problem. */
export function dataPathSegments(rel: string): string[] {
  if (rel.includes('\0')) throw new WardenError('EINVAL', 'path contains a NUL byte');
  if (rel.includes('\\')) throw new WardenError('EINVAL', 'use "/" as the path separator');
  if (!isRelativeDataPath(rel)) throw new WardenError('EINVAL', 'not a relative path');
  const out: string[] = [];
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0)
        throw new WardenError('EPERM', `"${rel}" leads outside the extension's data folder`, { reason: 'denied' });
      out.pop();
    } else out.push(seg);
  }
  return out;
}

const kindOf = (s: { isFile(): boolean; isDirectory(): boolean }) =>
  s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other';

export function createDataFolder(options: DataFolderOptions): DataFolder {
  let usage: number | undefined;
  let rootReal: string | undefined;
  // Mutations run one at a time: a quota check and the usage update after the write must not
  // interleave with another write's, or concurrent writes could each fit and together exceed it.
  let mutations: Promise<unknown> = Promise.resolve();
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const next = mutations.then(run, run);
    mutations = next.catch(() => {});
    return next;
  };

  async function root(): Promise<string> {
    if (rootReal) return rootReal;
    await fs.mkdir(options.root, { recursive: true, mode: 0o700 });
    rootReal = await fs.realpath(options.root);
    return rootReal;
  }

  /** Absolute path for `rel` whose parent directory is really inside the root. */
  async function resolve(rel: string, { allowRoot = false } = {}): Promise<string> {
    const segs = dataPathSegments(rel);
    const base = await root();
    if (segs.length === 0) {
      if (allowRoot) return base;
      throw new WardenError('EISDIR', 'the data folder itself is a directory');
    }
    const parent = path.join(base, ...segs.slice(0, -1));
    let parentReal: string;
    try {
      parentReal = await fs.realpath(parent);
    } catch (err) {
      throw mapFsError(err, rel);
    }
    if (parentReal !== base && !parentReal.startsWith(base + path.sep)) {
      throw new WardenError('EPERM', `"${rel}" leads outside the extension's data folder`, { reason: 'denied' });
    }
    return path.join(parentReal, segs[segs.length - 1]!);
  }

  async function walkSize(dir: string): Promise<number> {
    let total = 0;
    for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) total += await walkSize(p);
      else if (e.isFile()) total += (await fs.lstat(p)).size;
    }
    return total;
  }

  async function usedBytes(): Promise<number> {
    usage ??= await walkSize(await root());
    return usage;
  }

  return {
    async readBytes(rel) {
      const abs = await resolve(rel);
      let handle: fs.FileHandle;
      try {
        handle = await fs.open(abs, C.O_RDONLY | C.O_NOFOLLOW);
      } catch (err) {
        throw mapFsError(err, rel);
      }
      try {
        const st = await handle.stat();
        if (st.isDirectory()) throw new WardenError('EISDIR', `is a directory: ${rel}`);
        if (!st.isFile()) throw new WardenError('EINVAL', `not a regular file: ${rel}`);
        if (st.size > MAX_READ_BYTES) throw new WardenError('E2BIG', `${rel} is larger than ${MAX_READ_BYTES} bytes`);
        return new Uint8Array(await handle.readFile());
      } catch (err) {
        throw mapFsError(err, rel);
      } finally {
        await handle.close();
      }
    },
    writeBytes: (rel, data) => serial(() => writeBytes(rel, data)),
    list: async (rel) => list(rel),
    stat: async (rel) => stat(rel),
    mkdir: (rel, recursive) => serial(() => mkdir(rel, recursive)),
    remove: (rel, recursive) => serial(() => remove(rel, recursive)),
    usedBytes,
  };

  async function writeBytes(rel: string, data: Uint8Array): Promise<void> {
    const abs = await resolve(rel);
    let previous = 0;
    try {
      const st = await fs.lstat(abs);
      if (st.isDirectory()) throw new WardenError('EISDIR', `is a directory: ${rel}`);
      if (st.isSymbolicLink())
        throw new WardenError('EPERM', `symbolic links are not followed: ${rel}`, { reason: 'denied' });
      previous = st.size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw mapFsError(err, rel);
    }
    const used = await usedBytes();
    const after = used - previous + data.length;
    const room = options.quota.limitBytes() - (await options.quota.otherBytes());
    if (after > room)
      throw new WardenError('EQUOTA', `data folder quota exceeded (${after} of ${Math.max(0, room)} bytes)`);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(abs, C.O_WRONLY | C.O_CREAT | C.O_TRUNC | C.O_NOFOLLOW, 0o600);
    } catch (err) {
      throw mapFsError(err, rel);
    }
    try {
      if (!(await handle.stat()).isFile()) throw new WardenError('EINVAL', `not a regular file: ${rel}`);
      await handle.writeFile(data);
    } catch (err) {
      throw mapFsError(err, rel);
    } finally {
      await handle.close();
    }
    usage = after;
  }

  async function list(rel: string): Promise<DirEntry[]> {
    const abs = await resolve(rel, { allowRoot: true });
    try {
      const st = await fs.lstat(abs);
      if (st.isSymbolicLink())
        throw new WardenError('EPERM', `symbolic links are not followed: ${rel}`, { reason: 'denied' });
      const out: DirEntry[] = [];
      for (const e of await fs.readdir(abs, { withFileTypes: true })) {
        const s = await fs.lstat(path.join(abs, e.name)).catch(() => undefined);
        out.push({ name: e.name, kind: s ? kindOf(s) : 'other', size: s?.isFile() ? s.size : 0 });
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (err) {
      throw mapFsError(err, rel);
    }
  }

  async function stat(rel: string): Promise<FileStat> {
    const abs = await resolve(rel, { allowRoot: true });
    try {
      const s = await fs.lstat(abs);
      return { kind: kindOf(s), size: s.isFile() ? s.size : 0, mtimeMs: Math.floor(s.mtimeMs) };
    } catch (err) {
      throw mapFsError(err, rel);
    }
  }

  async function mkdir(rel: string, recursive: boolean): Promise<void> {
    if (recursive) {
      // Create one level at a time so every parent is checked as a real directory inside.
      const segs = dataPathSegments(rel);
      for (let i = 1; i <= segs.length; i++) {
        const sub = segs.slice(0, i).join('/');
        const abs = await resolve(sub);
        try {
          await fs.mkdir(abs, { mode: 0o700 });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw mapFsError(err, sub);
          const s = await fs.lstat(abs);
          if (!s.isDirectory()) throw new WardenError('ENOTDIR', `not a directory: ${sub}`);
        }
      }
      return;
    }
    try {
      await fs.mkdir(await resolve(rel), { mode: 0o700 });
    } catch (err) {
      throw mapFsError(err, rel);
    }
  }

  async function remove(rel: string, recursive: boolean): Promise<void> {
    const abs = await resolve(rel);
    try {
      const s = await fs.lstat(abs);
      if (s.isDirectory() && !recursive) await fs.rmdir(abs);
      else await fs.rm(abs, { recursive, force: false });
    } catch (err) {
      throw mapFsError(err, rel);
    }
    usage = undefined; // recount lazily: a recursive remove may free any amount
  }
}
