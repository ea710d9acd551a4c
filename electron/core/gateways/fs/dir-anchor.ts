/**
 * A checked directory held open, so names inside it are reached through the directory that was
 * checked and not through a path that may have been swapped since.
 *
 * On Linux the open descriptor is named by `/proc/self/fd/N`: a path below it is resolved from
 * the open directory itself (like `openat`), and `readlink` of it must equal the checked real
 * path. Elsewhere (or with /proc missing) the anchor uses the real path and `verify()` re-checks,
 * before each use, that the path still names the opened directory (same dev+ino, same realpath):
 * a narrow window remains there, which the portable Node API cannot close.
 */
import fs from 'node:fs/promises';
import { constants as C, readlinkSync, type Stats } from 'node:fs';
import type path from 'node:path';
import { ChangedError, errno } from './errors';

export const O_NOFOLLOW = C.O_NOFOLLOW ?? 0;
export const O_NONBLOCK = C.O_NONBLOCK ?? 0;
export const O_NOCTTY = C.O_NOCTTY ?? 0;
const O_DIRECTORY = C.O_DIRECTORY ?? 0;

export interface Identity {
  dev: number;
  ino: number;
}
export const sameObject = (a: Identity, b: Identity): boolean => a.dev === b.dev && a.ino === b.ino;

export interface DirAnchor {
  /** The checked real path of the directory. */
  readonly real: string;
  /** A path naming the opened directory itself. */
  readonly self: string;
  /** A path naming `name` inside the opened directory (the final name is never followed by callers). */
  at(name: string): string;
  /** Throws ChangedError unless the directory is still the one opened (no-op with /proc). */
  verify(): Promise<void>;
  readonly stat: Stats;
  close(): Promise<void>;
}

let procFd: Promise<boolean> | undefined;
export function procFdAvailable(): Promise<boolean> {
  procFd ??=
    process.platform === 'linux'
      ? fs.stat('/proc/self/fd').then(
          (s) => s.isDirectory(),
          () => false,
        )
      : Promise.resolve(false);
  return procFd;
}

export interface AnchorOptions {
  pathApi: path.PlatformPath;
  /** Test-only: behave as if /proc/self/fd were missing. */
  noProcFd?: boolean;
}

/**
 * Opens `openPath` as a directory without following a final symlink and checks it is the directory
 * at `real` (and, when given, the object `expected` that was stat'ed at check time).
 */
export async function openDirAnchor(
  openPath: string,
  real: string,
  expected: Identity | undefined,
  options: AnchorOptions,
): Promise<DirAnchor> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(openPath, C.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  } catch (err) {
    // Linux says ENOTDIR, not ELOOP, for a symlink opened with O_DIRECTORY|O_NOFOLLOW.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTDIR' && code !== 'ELOOP') throw err;
    if (expected) throw new ChangedError(); // it was a directory when checked
    if ((await fs.lstat(openPath).catch(() => undefined))?.isSymbolicLink()) throw errno('ELOOP');
    throw err;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isDirectory()) throw new ChangedError();
    if (expected && !sameObject(stat, expected)) throw new ChangedError();
    const P = options.pathApi;
    if (!options.noProcFd && (await procFdAvailable())) {
      const self = `/proc/self/fd/${handle.fd}`;
      if ((await fs.readlink(self)) !== real) throw new ChangedError();
      return {
        real,
        self,
        stat,
        at: (name) => `${self}/${name}`,
        verify: async () => undefined,
        close: () => handle.close(),
      };
    }
    const verify = async () => {
      const now = await fs.lstat(real).catch(() => undefined);
      if (!now || !sameObject(now, stat)) throw new ChangedError();
      if ((await fs.realpath(real).catch(() => undefined)) !== real) throw new ChangedError();
    };
    await verify();
    return { real, self: real, stat, at: (name) => P.join(real, name), verify, close: () => handle.close() };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Opens the directory `name` inside `parent` (never following a symlink there) as an anchor. */
export async function openChildAnchor(parent: DirAnchor, name: string, options: AnchorOptions): Promise<DirAnchor> {
  await parent.verify();
  return openDirAnchor(parent.at(name), options.pathApi.join(parent.real, name), undefined, options);
}

/**
 * Linux only (callers check `procFdAvailable()`): opens the file at the checked real path `real`
 * without following a final symlink, then proves through /proc/self/fd that the opened file is
 * still named `real`. A parent swapped for a symlink in between makes the open land elsewhere, and
 * then the name the kernel reports differs: ChangedError, nothing read. This is the same proof the
 * parent anchor gives, for a single open; callers still compare dev+ino with the check-time stat.
 *
 * readlink of /proc/self/fd/N is synchronous on purpose: procfs answers from memory (the path
 * of an open file), never from a slow or network filesystem, so it cannot stall the host's loop,
 * and it saves a thread-pool round trip on every mediated read.
 */
export async function openCheckedFile(real: string, flags: number): Promise<fs.FileHandle> {
  const handle = await fs.open(real, flags | O_NOFOLLOW);
  try {
    if (readlinkSync(`/proc/self/fd/${handle.fd}`) !== real) throw new ChangedError();
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}
