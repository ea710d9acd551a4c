/**
 * `host.fs.*` on `~/…` and absolute paths. Each call: (1) canonicalises the path lexically,
 * (2) resolves the real path it names, (3) asks the permission broker about exactly that real
 * path, (4) acts on exactly the object that was checked: the final name is opened with
 * O_NOFOLLOW through the checked parent directory held open, and the opened object's dev+ino
 * must equal those stat'ed at check time, so a file or symlink swapped in between is refused
 * with EPERM before a byte is read or written; (5) caps read and write sizes.
 *
 * A read on Linux pins the object first instead (dir-anchor.ts openPinned): an O_PATH descriptor
 * (no driver open, no FIFO wait), its real path read from /proc/self/fd and its fstat are what
 * the permission is asked about, and after the decision the file is opened through that very
 * descriptor: what is read is the object whose name was checked, whatever is swapped in since.
 * Once the process reads often, each of those two steps is one message to a worker thread
 * (pinned-pool.ts), which also puts a deadline on a file system that stops answering.
 *
 * A symlink is followed only as far as realpath takes it before the check: the permission is then
 * asked for its real target, so a link inside a granted folder never leads outside it. A hardlink
 * is the same file as its other names (same inode), so a file hard-linked into a granted folder is
 * readable there, as on every POSIX system: grants are about names, and that name is granted.
 *
 * Messages name only the path as the extension gave it, never the real path.
 */
import type { DirEntry, FileStat } from '../../../common/guest-api';
import fs from 'node:fs/promises';
import { constants as C } from 'node:fs';
import type { Stats } from 'node:fs';
import { denialError } from '../../permissions/denial';
import { WardenError } from '../../../common/errors';
import type { Decision, FsKind, PermissionRequest } from '../../permissions/types';
import { canonicalisePath, pathFor, type CanonicalPath } from './canonical-path';
import { splitAbsolute } from './containment';
import { createProtection } from './protection';
import { canonicalFsTarget, fsTarget } from './fs-target';
import type { CanonicalTarget } from '../target';
import {
  O_NOCTTY,
  O_NOFOLLOW,
  O_NONBLOCK,
  openCheckedFile,
  openChildAnchor,
  openDirAnchor,
  openPinned,
  pinnedOpenAvailable,
  procFdAvailable,
  sameObject,
  type AnchorOptions,
  type DirAnchor,
} from './dir-anchor';
import { ChangedError, errno, mapFsError, notFollowed } from './errors';
import { readCapped } from './read-capped';
import { resolveExisting, resolveReal, type Resolution } from './resolve';
import { sharedPinnedPool, type PinnedPool } from './pinned-pool';

/** A read never blocks on a FIFO and never makes a terminal the host's controlling one. */
const READ_FLAGS = C.O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;

export const DEFAULT_MAX_READ_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_WRITE_BYTES = 16 * 1024 * 1024;

export type FsOperation = 'readBytes' | 'writeBytes' | 'list' | 'stat' | 'mkdir' | 'remove';

/** Hooks for tests only; production code passes none. */
export interface FsGatewayTestHooks {
  /** Runs after the permission decision, before the operation: tests swap files here. */
  afterCheck?: (event: { op: FsOperation; path: string; target: string }) => void | Promise<void>;
  /** Behave as if /proc/self/fd were missing, to exercise the portable (non-Linux) checks. */
  noProcFd?: boolean;
}

export interface FsGatewayOptions {
  authorize: (request: PermissionRequest) => Promise<Decision>;
  /** The user's home folder, absolute; `~` expands to it. */
  homeDir: string;
  /** Path semantics (default process.platform). win32 rules can be exercised on any host. */
  platform?: NodeJS.Platform;
  limits?: { maxReadBytes?: number; maxWriteBytes?: number };
  testHooks?: FsGatewayTestHooks;
  /**
   * Warden's own files (its data folder with grants, secrets and installed extensions; the code
   * that runs every sandbox): never reachable through the gateway, whatever the manifest, the
   * user or the policy allows. A grant of `~/**` must not let an extension grant itself more,
   * read other extensions' secrets or data, or rewrite the sandbox.
   */
  protectedPaths?: string[];
  /** Where pinned reads run (default: the process's shared worker pool). */
  pinnedPool?: PinnedPool;
}

export interface FsGateway {
  readBytes(p: string): Promise<Uint8Array>;
  writeBytes(p: string, bytes: Uint8Array): Promise<void>;
  list(p: string): Promise<DirEntry[]>;
  stat(p: string): Promise<FileStat>;
  mkdir(p: string, options?: { recursive?: boolean }): Promise<void>;
  remove(p: string, options?: { recursive?: boolean }): Promise<void>;
  /** True for a real path inside Warden's own files (what every operation refuses). */
  protects(realPath: string): boolean;
  /** The target a read or write of `p` is checked for (what permissions.query/request ask about). */
  canonical(p: string): Promise<CanonicalTarget>;
}

const kindFor = (s: Stats | undefined): FsKind | undefined =>
  s?.isDirectory() ? 'directory' : s?.isFile() ? 'file' : undefined;
const kindOf = (s: Stats): DirEntry['kind'] => (s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other');

export function createFsGateway(options: FsGatewayOptions): FsGateway {
  const platform = options.platform ?? process.platform;
  const P = pathFor(platform);
  if (!splitAbsolute(options.homeDir, platform)) throw new Error('createFsGateway: homeDir must be an absolute path');
  const maxRead = options.limits?.maxReadBytes ?? DEFAULT_MAX_READ_BYTES;
  const maxWrite = options.limits?.maxWriteBytes ?? DEFAULT_MAX_WRITE_BYTES;
  const hooks = options.testHooks ?? {};
  const anchorOptions: AnchorOptions = { pathApi: P, noProcFd: hooks.noProcFd === true };

  const canonical = (p: unknown): CanonicalPath => canonicalisePath(p, { homeDir: options.homeDir, platform });

  const protection = createProtection(options.protectedPaths ?? [], platform);

  const pool = options.pinnedPool ?? sharedPinnedPool();

  async function authorize(
    capability: 'fs.read' | 'fs.write',
    target: string,
    given: string,
    encloses = false,
    stat?: Stats | Promise<Stats> | FsKind,
  ): Promise<void> {
    protection.refuse(capability, target, given, encloses);
    let decision: Decision;
    // The kind tells the broker what "always allow this folder" covers (the folder asked about);
    // a stat still under way is handed over as a promise, which only a prompt waits for.
    const kind =
      typeof stat === 'string' ? stat : stat instanceof Promise ? stat.then(kindFor, () => undefined) : kindFor(stat);
    const t = fsTarget(target, options.homeDir); // as permissions.query/request name it
    try {
      decision = await options.authorize({
        capability,
        target: t.canonical,
        display: t.display,
        ...(kind ? { kind } : {}),
      });
    } catch (err) {
      if (err instanceof WardenError) throw err;
      throw new WardenError('EINTERNAL', `the permission check failed for "${given}"`);
    }
    if (decision?.allow !== true) {
      const reason = decision && decision.allow === false ? decision.reason : 'denied';
      throw denialError(capability, given, reason);
    }
  }

  async function afterCheck(op: FsOperation, given: string, target: string): Promise<void> {
    if (hooks.afterCheck) await hooks.afterCheck({ op, path: given, target });
  }

  /** Raise what resolution found wrong with an existing target (after the decision). */
  function requireExisting(r: Resolution): asserts r is Resolution & { stat: Stats } {
    if (r.stat?.isSymbolicLink()) throw errno('ELOOP'); // dangling or looping final link
    if (!r.stat || r.missing.length > 1) throw r.error ?? errno('ENOENT');
  }

  /** The checked parent held open (or, for a root, the root itself with name ''). */
  async function openParent(r: Resolution): Promise<DirAnchor> {
    if (r.parent) return openDirAnchor(r.parent.real, r.parent.real, r.parent.stat, anchorOptions);
    return openDirAnchor(r.target, r.target, r.stat, anchorOptions);
  }

  async function withAnchor<T>(open: Promise<DirAnchor>, use: (a: DirAnchor) => Promise<T>): Promise<T> {
    const anchor = await open;
    try {
      return await use(anchor);
    } finally {
      await anchor.close();
    }
  }

  /** Whether reads can use openCheckedFile (Linux with /proc/self/fd, and not told otherwise). */
  const checkedOpenAvailable = async () =>
    platform === 'linux' && process.platform === 'linux' && !anchorOptions.noProcFd && (await procFdAvailable());

  /** Whether reads can pin their object with O_PATH (Linux with /proc/self/fd, not told otherwise). */
  const pinnedReadsAvailable = async () =>
    platform === 'linux' && !anchorOptions.noProcFd && (await pinnedOpenAvailable());

  /**
   * Reads an opened file, which must be the object stat'ed at check time (dev+ino) and still a
   * regular file within the read cap; `verify` re-checks the parent where /proc cannot. Closes it.
   */
  async function readOpened(handle: fs.FileHandle, checked: Stats, p: string, verify: () => Promise<void>) {
    try {
      const st = await handle.stat();
      if (!sameObject(st, checked)) throw new ChangedError();
      await verify();
      if (!st.isFile()) throw new WardenError('EINVAL', `not a regular file: ${p}`);
      if (st.size > maxRead) throw new WardenError('E2BIG', `${p} is larger than ${maxRead} bytes`);
      return await readCapped(handle, st.size, maxRead, p);
    } finally {
      // Not awaited: the bytes are in hand, and the answer need not wait a thread-pool round
      // trip for the close (a failed close of a read-only descriptor loses nothing).
      handle.close().catch(() => {});
    }
  }

  /**
   * The pinned read on a worker (pinned-pool.ts): one message pins (O_PATH open, real path, fstat)
   * before the decision, one opens through the pin, reads and closes after it. Undefined when the
   * path names no object: the caller takes the anchored path, which asks before telling why.
   */
  async function readOnWorker(c: CanonicalPath, p: string): Promise<Uint8Array | undefined> {
    let pin: Awaited<ReturnType<PinnedPool['pin']>>;
    try {
      pin = await pool.pin(c.abs);
    } catch (err) {
      // The file system did not answer (or the pool is full): say so only where the extension may
      // look, so a hung mount outside its grants tells it nothing. Asked about the path as given,
      // since no real path was learnt; nothing is opened either way.
      await authorize('fs.read', c.abs, p);
      throw err;
    }
    if (!pin) return undefined;
    if (!pin.real.startsWith('/') || pin.real.endsWith(' (deleted)')) {
      pool.release(pin.fd); // no live absolute name (as in openPinned)
      return undefined;
    }
    let handed = false;
    try {
      await authorize('fs.read', pin.real, p, false, pin.kind === 'other' ? undefined : pin.kind);
      await afterCheck('readBytes', p, pin.real);
      // Nothing is opened (no driver's open runs) before the object is known to be a file.
      if (pin.kind === 'directory') throw errno('EISDIR');
      if (pin.kind !== 'file') throw new WardenError('EINVAL', `not a regular file: ${p}`);
      if (pin.size > maxRead) throw new WardenError('E2BIG', `${p} is larger than ${maxRead} bytes`);
      handed = true; // the read message owns the pin now: the worker closes it
      const bytes = await pool.read(pin.fd, READ_FLAGS & ~O_NOFOLLOW, pin.size, maxRead);
      if (bytes === 'too-big') throw new WardenError('E2BIG', `${p} is larger than ${maxRead} bytes`);
      return bytes;
    } finally {
      if (!handed) pool.release(pin.fd);
    }
  }

  async function removeTree(parent: DirAnchor, name: string): Promise<void> {
    const dir = await openChildAnchor(parent, name, anchorOptions);
    try {
      for (const entry of await fs.readdir(dir.self)) {
        await dir.verify();
        const s = await fs.lstat(dir.at(entry));
        if (s.isDirectory()) await removeTree(dir, entry);
        else await fs.unlink(dir.at(entry));
      }
    } finally {
      await dir.close();
    }
    await parent.verify();
    await fs.rmdir(parent.at(name));
  }

  /** Runs one call: canonical errors pass through, everything else is mapped to the given path. */
  async function run<T>(given: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      throw mapFsError(err, given);
    }
  }

  return {
    protects: (realPath) => protection.protects(realPath),
    canonical: (p) => canonicalFsTarget(p, { homeDir: options.homeDir, platform }),

    async readBytes(p) {
      const c = canonical(p);
      return run(p, async () => {
        // Linux: the object is pinned (O_PATH) before the check and read through the pin after it:
        // on a worker, two messages; until one is up, open, fstat (beside the decision), open,
        // read: 3 thread-pool round trips in a row, not realpath + lstat + open + fstat + read.
        const pinnable = await pinnedReadsAvailable();
        const onWorker = pinnable && pool.ready();
        if (onWorker) {
          const bytes = await readOnWorker(c, p);
          if (bytes) return bytes;
        }
        const pinned = pinnable && !onWorker ? await openPinned(c.abs) : undefined;
        if (pinned) {
          try {
            await authorize('fs.read', pinned.real, p, false, pinned.stat);
            await afterCheck('readBytes', p, pinned.real);
            // Nothing is opened (no driver's open runs) before the object is known to be a file.
            const st = await pinned.stat;
            if (st.isDirectory()) throw errno('EISDIR');
            if (!st.isFile()) throw new WardenError('EINVAL', `not a regular file: ${p}`);
            if (st.size > maxRead) throw new WardenError('E2BIG', `${p} is larger than ${maxRead} bytes`);
            const handle = await pinned.open(READ_FLAGS);
            try {
              return await readCapped(handle, st.size, maxRead, p);
            } finally {
              handle.close().catch(() => {}); // as in readOpened
            }
          } finally {
            pinned.release();
          }
        }
        const quick = (await checkedOpenAvailable()) ? await resolveExisting(c, platform) : undefined;
        if (quick) {
          await authorize('fs.read', quick.target, p, false, quick.stat);
          await afterCheck('readBytes', p, quick.target);
          if (quick.stat.isDirectory()) throw errno('EISDIR');
          if (!quick.stat.isFile()) throw new WardenError('EINVAL', `not a regular file: ${p}`);
          const handle = await openCheckedFile(quick.target, READ_FLAGS);
          return readOpened(handle, quick.stat, p, async () => undefined);
        }
        const r = await resolveReal(c, true, platform);
        await authorize('fs.read', r.target, p, false, r.stat);
        await afterCheck('readBytes', p, r.target);
        requireExisting(r);
        if (r.stat.isDirectory()) throw errno('EISDIR');
        if (!r.stat.isFile()) throw new WardenError('EINVAL', `not a regular file: ${p}`);
        return withAnchor(openParent(r), async (dir) =>
          readOpened(await fs.open(dir.at(r.name), READ_FLAGS), r.stat, p, () => dir.verify()),
        );
      });
    },

    async writeBytes(p, bytes) {
      const c = canonical(p);
      if (!(bytes instanceof Uint8Array)) throw new WardenError('EINVAL', 'the data must be a Uint8Array');
      if (c.endsInDots || c.segments.length === 0) throw new WardenError('EINVAL', `not a file name: ${p}`);
      if (bytes.length > maxWrite) throw new WardenError('E2BIG', `the data is larger than ${maxWrite} bytes`);
      return run(p, async () => {
        const r = await resolveReal(c, true, platform);
        await authorize('fs.write', r.target, p, false, r.stat);
        await afterCheck('writeBytes', p, r.target);
        if (r.stat?.isSymbolicLink()) throw notFollowed(p);
        if (r.stat?.isDirectory()) throw errno('EISDIR');
        if (r.stat && !r.stat.isFile()) throw new WardenError('EINVAL', `not a regular file: ${p}`);
        const existing = r.stat;
        if (!existing && (r.missing.length !== 1 || !r.parent || (r.error && r.error.code !== 'ENOENT'))) {
          throw r.error ?? errno('ENOENT');
        }
        await withAnchor(openParent(r), async (dir) => {
          await dir.verify();
          let handle: fs.FileHandle;
          try {
            handle = existing
              ? await fs.open(dir.at(r.name), C.O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)
              : await fs.open(dir.at(r.name), C.O_WRONLY | C.O_CREAT | C.O_EXCL | O_NOFOLLOW | O_NOCTTY, 0o666);
          } catch (err) {
            // Something appeared where nothing was, or a link where a file was: not what was checked.
            const code = (err as NodeJS.ErrnoException).code;
            if (['EEXIST', 'ELOOP', 'ENOENT', 'ENXIO', 'EISDIR'].includes(code ?? '')) throw new ChangedError();
            throw err;
          }
          try {
            const st = await handle.stat();
            if (existing && !sameObject(st, existing)) throw new ChangedError();
            await dir.verify();
            if (!st.isFile()) throw new WardenError('EINVAL', `not a regular file: ${p}`);
            // Truncate only now, on the verified descriptor: a refused write changes nothing.
            await handle.truncate(0);
            await handle.writeFile(bytes);
          } finally {
            await handle.close();
          }
        });
      });
    },

    async list(p) {
      const c = canonical(p);
      return run(p, async () => {
        const r = await resolveReal(c, true, platform);
        await authorize('fs.read', r.target, p, false, r.stat);
        await afterCheck('list', p, r.target);
        requireExisting(r);
        if (!r.stat.isDirectory()) throw errno('ENOTDIR');
        return withAnchor(openDirAnchor(r.target, r.target, r.stat, anchorOptions), async (dir) => {
          const out: DirEntry[] = [];
          for (const name of await fs.readdir(dir.self)) {
            const s = await fs.lstat(dir.at(name)).catch(() => undefined);
            out.push({ name, kind: s ? kindOf(s) : 'other', size: s?.isFile() ? s.size : 0 });
          }
          await dir.verify();
          return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        });
      });
    },

    async stat(p) {
      const c = canonical(p);
      return run(p, async () => {
        const r = await resolveReal(c, true, platform);
        await authorize('fs.read', r.target, p, false, r.stat);
        await afterCheck('stat', p, r.target);
        requireExisting(r);
        const s = await withAnchor(openParent(r), async (dir) => {
          if (!r.parent) return dir.stat; // a root: the anchor is the target itself
          const now = await fs.lstat(dir.at(r.name));
          if (!sameObject(now, r.stat)) throw new ChangedError();
          await dir.verify();
          return now;
        });
        return { kind: kindOf(s), size: s.isFile() ? s.size : 0, mtimeMs: Math.floor(s.mtimeMs) };
      });
    },

    async mkdir(p, opts = {}) {
      const c = canonical(p);
      if (c.endsInDots) throw new WardenError('EINVAL', `not a folder name: ${p}`);
      return run(p, async () => {
        if (opts.recursive) {
          const r = await resolveReal(c, true, platform);
          await authorize('fs.write', r.target, p, false, r.stat);
          // Every folder this call creates is a write: each is asked about, before any is made.
          for (let k = 1; k < r.missing.length; k++) {
            await authorize('fs.write', P.join(r.existing.real, ...r.missing.slice(0, k)), p);
          }
          await afterCheck('mkdir', p, r.target);
          if (r.missing.length === 0) {
            if (!r.stat?.isDirectory()) throw errno(r.stat?.isSymbolicLink() ? 'ELOOP' : 'ENOTDIR');
            return;
          }
          if (!r.existing.stat.isDirectory()) throw errno('ENOTDIR');
          let dir = await openDirAnchor(r.existing.real, r.existing.real, r.existing.stat, anchorOptions);
          try {
            for (const name of r.missing) {
              await dir.verify();
              try {
                await fs.mkdir(dir.at(name), { mode: 0o777 });
              } catch (err) {
                if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
              }
              const next = await openChildAnchor(dir, name, anchorOptions); // ELOOP/ENOTDIR if not a real folder
              await dir.close();
              dir = next;
            }
          } finally {
            await dir.close();
          }
          return;
        }
        const r = await resolveReal(c, false, platform);
        await authorize('fs.write', r.target, p, false, r.stat);
        await afterCheck('mkdir', p, r.target);
        if (r.stat) throw errno('EEXIST');
        if (!r.parent || r.missing.length !== 1) throw r.error ?? errno('ENOENT');
        if (!r.parent.stat.isDirectory()) throw errno('ENOTDIR');
        await withAnchor(openParent(r), async (dir) => {
          await dir.verify();
          await fs.mkdir(dir.at(r.name), { mode: 0o777 });
        });
      });
    },

    async remove(p, opts = {}) {
      const c = canonical(p);
      if (c.endsInDots) throw new WardenError('EINVAL', `not a name that can be removed: ${p}`);
      if (c.segments.length === 0) throw new WardenError('EINVAL', `a root folder cannot be removed: ${p}`);
      return run(p, async () => {
        const r = await resolveReal(c, false, platform);
        await authorize('fs.write', r.target, p, true, r.stat);
        await afterCheck('remove', p, r.target);
        if (!r.stat || !r.parent) throw r.error ?? errno('ENOENT');
        const checked = r.stat;
        await withAnchor(openParent(r), async (dir) => {
          const now = await fs.lstat(dir.at(r.name));
          if (!sameObject(now, checked)) throw new ChangedError();
          await dir.verify();
          if (!now.isDirectory()) await fs.unlink(dir.at(r.name));
          else if (opts.recursive) await removeTree(dir, r.name);
          else await fs.rmdir(dir.at(r.name));
        });
      });
    },
  };
}
