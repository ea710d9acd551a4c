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
import { closeSync, constants as C, close as closeFd, fstat, open as openFd, readlinkSync, type Stats } from 'node:fs';
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

/**
 * Linux O_PATH (not in fs.constants): a descriptor that names an object without opening it, so
 * no device driver's open runs and no FIFO blocks before the permission decision. The value is
 * the generic one (x64, arm64, ia32, arm); other architectures take the anchored path.
 */
const O_PATH = 0o10000000;
const O_PATH_ARCHES = new Set(['x64', 'arm64', 'ia32', 'arm']);

/** Whether pinned reads (openPinned) can be used here: Linux, a known O_PATH, and /proc/self/fd. */
export async function pinnedOpenAvailable(): Promise<boolean> {
  return process.platform === 'linux' && O_PATH_ARCHES.has(process.arch) && (await procFdAvailable());
}

export interface PinnedObject {
  /** The kernel's name for the object (the real path, every symlink resolved). */
  real: string;
  /**
   * fstat of the pinned object itself, already under way: the permission decision runs beside
   * it (only a prompt needs the kind), and the read waits for it before opening anything.
   */
  stat: Promise<Stats>;
  /** Opens the pinned object itself (never a name that may have been swapped since). */
  open(flags: number): Promise<fs.FileHandle>;
  /** Releases the pin (idempotent). */
  release(): void;
}

/**
 * Linux only (callers check `pinnedOpenAvailable()`): pins the object `path` names (symlinks
 * followed, as realpath does) with an O_PATH descriptor, and reads its real path from
 * /proc/self/fd and its identity with fstat: one path walk in the kernel instead of realpath's
 * readlink per component, and the object later opened through /proc/self/fd/N is exactly the
 * one whose name was checked: nothing swapped in between can be reached, so no dev+ino re-check
 * or re-resolution is needed. Undefined when the path does not resolve to an object with an
 * absolute, live name (missing, a dangling link, unlinked since: " (deleted)"), so the caller
 * takes the anchored path, which asks the permission before any of that is told.
 */
export async function openPinned(path: string): Promise<PinnedObject | undefined> {
  const fd = await new Promise<number | undefined>((resolve) =>
    openFd(path, O_PATH, (err, n) => resolve(err ? undefined : n)),
  );
  if (fd === undefined) return undefined;
  let released = false;
  /** The fstat in flight holds the descriptor: the last of the two to finish closes it. */
  let statting = true;
  const closeNow = () => {
    // Async: if the object was unlinked, this may be its last reference and the kernel frees it.
    closeFd(fd, () => {});
  };
  const release = () => {
    if (released) return;
    released = true;
    if (!statting) closeNow();
  };
  // Started before the name is read: the thread pool's fstat and the readlink below overlap.
  const stat = new Promise<Stats>((resolve, reject) =>
    fstat(fd, (err, st) => {
      statting = false;
      if (released) closeNow();
      if (err) reject(err);
      else resolve(st);
    }),
  );
  // Nobody may ever wait for it (a refused read): a failure is reported where it is awaited.
  stat.catch(() => {});
  let real: string;
  try {
    // procfs answers from memory (the name of an open descriptor), as in openCheckedFile.
    real = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    release();
    return undefined; // the anchored path reports what is wrong, after the decision
  }
  if (!real.startsWith('/') || real.endsWith(' (deleted)')) {
    release();
    return undefined;
  }
  return {
    real,
    stat,
    release,
    async open(flags) {
      if (released) throw new ChangedError();
      // The magic link resolves to the pinned object itself; a final O_NOFOLLOW would refuse it.
      const handle = await fs.open(`/proc/self/fd/${fd}`, flags & ~O_NOFOLLOW);
      if (!released && !statting) {
        // The opened handle now holds the object, so this close is never its last reference.
        released = true;
        closeSync(fd);
      }
      return handle;
    },
  };
}
