/**
 * The tar half of extraction (extract.ts feeds it the decompressed bytes, from memory or from a
 * stream): node-tar's parser, and our rules on every entry, so a violation refuses the whole
 * package instead of skipping an entry with a warning (what `tar.x` does):
 *
 * - names: relative, no `..`, no absolute or drive paths, no backslashes or control characters,
 *   no duplicates, including duplicates after case folding and Unicode normalisation, and no name
 *   that is both a file and a folder;
 * - types: regular files and folders only: symbolic links, hard links, devices, FIFOs, global pax
 *   headers and unknown types are refused;
 * - sizes: per entry, in total, and the number of entries, checked on the declared size before a
 *   byte is written and again on the bytes actually written; the decompressed bytes are counted
 *   too, so a gzip bomb stops after the cap, not after filling the disk.
 *
 * Files are created with O_EXCL|O_NOFOLLOW inside a folder we just made, so nothing in the
 * archive can point a write elsewhere. With no destination, it only hashes (`warden verify`).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { MAX_SIGNATURE_BYTES, PackageError, SIGNATURE_FILE, type ExtractLimits } from './format';
import { foldedName, pathProblem } from './paths';
import type { ExtractedFile } from './verify';

export interface TarContents {
  /** Every extracted file except the signature file. */
  files: Map<string, ExtractedFile>;
  signatureBytes?: Buffer;
  manifestBytes?: Buffer;
}

/**
 * The flush of what was written. `ready`: every flush that goes by path is done (the folder may
 * be renamed from then on; the rest run on descriptors, which follow it). `durable`: all of it.
 * Both settle (resolved) at once without a destination or without fsync.
 */
export interface Flush {
  ready: Promise<void>;
  durable: Promise<void>;
}

const FLUSHED: Flush = { ready: Promise.resolve(), durable: Promise.resolve() };

export interface TarSinkOptions {
  /** fsync each file and folder (default true: the install must survive power loss too). */
  fsync?: boolean;
  /** Called after each file or folder is written (the installer's crash-test hook uses it). */
  onStep?(label: string): void;
}

/** Takes the decompressed archive in any number of chunks; `done` settles after `end()` or the first failure. */
export interface TarSink {
  write(chunk: Buffer): void;
  end(): void;
  /** Refuses the package: closes every descriptor and rejects `done` (first failure wins). */
  fail(err: unknown): void;
  readonly failed: boolean;
  /** Settles at the end of the archive, with the flush still running (see Flush). */
  readonly done: Promise<TarContents & { flush: Flush }>;
}

/** GNU tar pads archives to 10 KiB records; anything much longer after the end is not a package. */
export const MAX_TRAILING_BYTES = 1024 * 1024;
/** Files flushed on their own descriptor at once while the archive is parsed. */
const MAX_SYNCING = 16;
const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const { O_WRONLY, O_CREAT, O_EXCL } = fs.constants;
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

function describeType(type: string): string {
  switch (type) {
    case 'SymbolicLink':
      return 'a symbolic link';
    case 'Link':
      return 'a hard link';
    case 'CharacterDevice':
    case 'BlockDevice':
      return 'a device';
    case 'FIFO':
      return 'a FIFO';
    default:
      return `an unsupported entry (${type})`;
  }
}

/** fsyncs files and folders, 16 at a time. */
export async function syncAll(paths: string[]): Promise<void> {
  for (let i = 0; i < paths.length; i += 16) {
    await Promise.all(
      paths.slice(i, i + 16).map(async (p) => {
        const h = await fsp.open(p, 'r');
        try {
          await h.sync();
        } finally {
          await h.close();
        }
      }),
    );
  }
}

export function asPackageError(err: unknown): PackageError {
  return err instanceof PackageError
    ? err
    : new PackageError(`not a valid package archive (${err instanceof Error ? err.message : String(err)})`);
}

/** Parses a tar into `dest` (an existing empty folder), or only hashes its files when `dest` is undefined. */
export function createTarSink(dest: string | undefined, limits: ExtractLimits, options: TarSinkOptions = {}): TarSink {
  const doSync = options.fsync !== false;
  const contents: TarContents = { files: new Map() };
  const seen = new Map<string, 'file' | 'dir'>();
  const made = new Set<string>();
  let entries = 0;
  let declaredTotal = 0;
  let writtenTotal = 0;
  let tarBytes = 0;
  let failed = false;
  let failure: PackageError | undefined;
  const openFds = new Set<number>();
  /**
   * Written files being flushed and closed on their own descriptors, at most MAX_SYNCING at once
   * (their descriptors stay in openFds until closed); beyond that a file is closed at once and
   * flushed by path at the end (`later`), so a package of many small files holds few descriptors.
   */
  const syncs: Promise<void>[] = [];
  const later: string[] = [];
  let syncing = 0;
  let resolveDone!: (c: TarContents & { flush: Flush }) => void;
  let rejectDone!: (err: PackageError) => void;
  const done = new Promise<TarContents & { flush: Flush }>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  done.catch(() => {}); // the caller awaits it; a failure before that is not an unhandled rejection

  const fail = (err: unknown) => {
    if (failed) return;
    failed = true;
    for (const fd of openFds) {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
    }
    openFds.clear();
    failure = asPackageError(err);
    rejectDone(failure);
  };
  /** fsync then close a written file in the thread pool; a failure fails the extraction. */
  const syncAndClose = (fd: number) => {
    syncing++;
    return new Promise<void>((resolve) => {
      fs.fsync(fd, (syncErr) => {
        // fail() closed it already (another entry failed): nothing is left to do.
        if (!openFds.delete(fd)) return resolve();
        syncing--;
        fs.close(fd, (closeErr) => {
          if (syncErr || closeErr) fail(syncErr ?? closeErr);
          resolve();
        });
      });
    });
  };
  const refuse = (name: string, why: string) => fail(new PackageError(`refused entry ${JSON.stringify(name)}: ${why}`));

  // Compression is ours to undo and count (extract.ts): node-tar would otherwise sniff and
  // decompress zstd itself, past our decompressed-bytes cap.
  const parser = new Parser({
    strict: true,
    maxMetaEntrySize: 64 * 1024,
    brotli: false,
    zstd: false,
    onwarn: (_code: string, message: string | Error) =>
      fail(new PackageError(`not a valid package archive (${String(message)})`)),
  });
  parser.on('error', (err: Error) => fail(new PackageError(`not a valid package archive (${err.message})`)));
  parser.on('ignoredEntry', (entry: ReadEntry) =>
    refuse(entry.path, entry.meta ? 'oversized metadata header' : describeType(entry.type)),
  );

  const mkdirs = (segments: string[]) => {
    if (!dest) return;
    for (let i = 1; i <= segments.length; i++) {
      const rel = segments.slice(0, i).join('/');
      if (made.has(rel)) continue;
      fs.mkdirSync(path.join(dest, ...segments.slice(0, i)), { mode: 0o755 });
      made.add(rel);
    }
  };

  const claimParents = (name: string, segments: string[]): boolean => {
    for (let i = 1; i < segments.length; i++) {
      const key = foldedName(segments.slice(0, i).join('/'));
      const kind = seen.get(key);
      if (kind === 'file') {
        refuse(name, 'a file and a folder share a name');
        return false;
      }
      seen.set(key, 'dir');
    }
    return true;
  };

  parser.on('entry', (entry: ReadEntry) => {
    if (failed) return entry.resume();
    entries++;
    if (entries > limits.entries) return fail(new PackageError(`more than ${limits.entries} entries in the package`));
    if (entry.globalExtended) return refuse(entry.path, 'global pax headers are not allowed');
    const isDir = entry.type === 'Directory';
    const name = isDir ? entry.path.replace(/\/$/, '') : entry.path;
    const problem = pathProblem(name);
    if (problem) return refuse(entry.path, problem);
    if (!isDir && !FILE_TYPES.has(entry.type)) return refuse(name, describeType(entry.type));
    const segments = name.split('/');
    const key = foldedName(name);
    const prior = seen.get(key);
    if (isDir) {
      if (entry.size !== 0) return refuse(name, 'a folder entry with content');
      if (prior === 'file') return refuse(name, 'a file and a folder share a name');
      if (!claimParents(name, segments)) return;
      seen.set(key, 'dir');
      try {
        mkdirs(segments);
      } catch (err) {
        return fail(err);
      }
      options.onStep?.(`mkdir ${name}`);
      return entry.resume();
    }
    if (prior) return refuse(name, prior === 'dir' ? 'a file and a folder share a name' : 'duplicate name');
    if (!claimParents(name, segments)) return;
    seen.set(key, 'file');
    const size = entry.size;
    if (size > limits.entryBytes)
      return refuse(name, `${size} bytes is above the ${limits.entryBytes}-byte limit per file`);
    declaredTotal += size;
    if (declaredTotal > limits.totalBytes) {
      return fail(new PackageError(`the package expands to more than ${limits.totalBytes} bytes`));
    }
    const keep = name === SIGNATURE_FILE || name === 'manifest.json';
    if (keep && size > MAX_SIGNATURE_BYTES) return refuse(name, `larger than ${MAX_SIGNATURE_BYTES} bytes`);
    let fd: number | undefined;
    if (dest) {
      try {
        mkdirs(segments.slice(0, -1));
        fd = fs.openSync(path.join(dest, ...segments), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
        openFds.add(fd);
      } catch (err) {
        return fail(err);
      }
    }
    const hash = crypto.createHash('sha256');
    const kept: Buffer[] = [];
    let written = 0;
    entry.on('data', (chunk: Buffer) => {
      if (failed) return;
      written += chunk.length;
      writtenTotal += chunk.length;
      if (written > limits.entryBytes || written > size) return refuse(name, 'more bytes than declared');
      if (writtenTotal > limits.totalBytes) {
        return fail(new PackageError(`the package expands to more than ${limits.totalBytes} bytes`));
      }
      hash.update(chunk);
      // Copied now: a chunk may be a view of a slice the reader reuses (extract.ts).
      if (keep) kept.push(Buffer.from(chunk));
      if (fd !== undefined) {
        try {
          let off = 0;
          while (off < chunk.length) off += fs.writeSync(fd, chunk, off);
        } catch (err) {
          fail(err);
        }
      }
    });
    entry.on('end', () => {
      if (failed) return;
      if (fd !== undefined) {
        if (doSync && syncing < MAX_SYNCING) syncs.push(syncAndClose(fd));
        else {
          if (doSync) later.push(path.join(dest!, ...segments));
          try {
            fs.closeSync(fd);
            openFds.delete(fd);
          } catch (err) {
            return fail(err);
          }
        }
      }
      if (written !== size) return refuse(name, 'truncated');
      if (name === SIGNATURE_FILE) contents.signatureBytes = Buffer.concat(kept);
      else {
        if (name === 'manifest.json') contents.manifestBytes = Buffer.concat(kept);
        contents.files.set(name, { sha256: hash.digest('hex'), size });
      }
      options.onStep?.(`write ${name}`);
    });
  });

  parser.on('end', () => {
    if (failed) return;
    if (openFds.size > syncing) return fail(new PackageError('not a valid package archive (truncated)'));
    if (!dest || !doSync) return resolveDone({ ...contents, flush: FLUSHED });
    // Durability before the commit: every file was flushed on its own descriptor as soon as it
    // was written (in the thread pool, while the archive was still parsed), and now the folders,
    // all at once (the file system batches concurrent syncs into few journal commits; one fsync
    // after each file, in sequence, does not). Folders get descriptors too while the window
    // allows, so the caller may rename the staging folder while they run; what is flushed by
    // path must finish first (`ready`).
    const byPath = [...later];
    for (const dir of [dest, ...[...made].map((d) => path.join(dest, ...d.split('/')))]) {
      if (syncing >= MAX_SYNCING) {
        byPath.push(dir);
        continue;
      }
      let fd: number;
      try {
        fd = fs.openSync(dir, 'r');
      } catch (err) {
        return fail(err);
      }
      openFds.add(fd);
      syncs.push(syncAndClose(fd));
    }
    const ready = syncAll(byPath).catch((err: unknown) => fail(err));
    const settled = (p: Promise<unknown>) =>
      p.then(() => {
        if (failure) throw failure;
      });
    const flush = { ready: settled(ready), durable: settled(Promise.all([ready, ...syncs])) };
    flush.ready.catch(() => {});
    flush.durable.catch(() => {});
    resolveDone({ ...contents, flush });
  });

  // After the end-of-archive blocks node-tar only buffers (concatenating every chunk: quadratic),
  // so nothing more is fed to it; trailing padding is tolerated up to a small cap.
  let sawEof = false;
  let trailing = 0;
  parser.on('eof', () => {
    sawEof = true;
  });
  return {
    write(chunk: Buffer) {
      if (failed) return;
      tarBytes += chunk.length;
      if (tarBytes > limits.tarBytes) {
        return fail(
          new PackageError(`the archive expands to more than ${limits.tarBytes} bytes (a compression bomb?)`),
        );
      }
      if (sawEof) {
        trailing += chunk.length;
        if (trailing > MAX_TRAILING_BYTES) {
          return fail(new PackageError(`more than ${MAX_TRAILING_BYTES} bytes after the end of the archive`));
        }
        return;
      }
      parser.write(chunk);
    },
    end() {
      if (!failed) parser.end();
    },
    fail,
    get failed() {
      return failed;
    },
    done,
  };
}
