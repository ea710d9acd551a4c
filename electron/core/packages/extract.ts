/**
 * Reads a `.wext` (gzip'd or plain tar), hashes it as stored, and hands the tar to tar-read.ts,
 * which applies every rule on its entries and writes them into an empty staging folder (or, with
 * no destination, only hashes them: `warden verify`).
 *
 * A plain tar up to `memoryBytes` (16 MiB) is read synchronously in 1 MiB slices, two buffers
 * reused, each slice hashed and parsed as it comes: no stream, no chunk-by-chunk hops through the
 * event loop (what a 5 MiB install spent most of its parse time on), no buffer the size of the
 * package. A gzip'd one up to that size is read whole and gunzipped in one call. A larger one, or
 * a gzip'd one that expands past that, is streamed in 1 MiB chunks, so what the host holds stays
 * bounded. Every path feeds the same parser and counts the same caps.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { DEFAULT_LIMITS, PackageError, type ExtractLimits } from './format';
import { createTarSink, type Flush, type TarContents, type TarSink } from './tar-read';
import { createPackageHasher, type HashJob, type PackageHasher } from './hash-worker';

export { syncAll, type Flush } from './tar-read';

export interface ExtractResult extends TarContents {
  /** hex SHA-256 and size of the package file as stored (what a catalog lists). */
  packageSha256: string;
  packageSize: number;
  /** Settled already (what was written is on disk, with fsync). */
  flush: Flush;
}

export interface ExtractOptions {
  limits?: Partial<ExtractLimits>;
  /**
   * fsync each file before closing it (default true). The installer passes false: it flushes the
   * version after its commit (flush.ts).
   */
  fsync?: boolean;
  /** Called after each file or folder is written (the installer's crash-test hook uses it). */
  onStep?(label: string): void;
  /**
   * Largest package (and, gzip'd, largest expanded tar) parsed synchronously (a plain tar in reused
   * slices, a gzip'd one read whole and gunzipped at once); above it the file is streamed. Default MEMORY_READ_BYTES; 0 always streams (tests run both paths).
   */
  memoryBytes?: number;
  /**
   * Hash the package as stored on a second thread (hash-worker.ts) while this one parses and
   * hashes its files. For long-lived hosts; the first call starts the worker and hashes here.
   */
  parallelHash?: boolean;
}

export const MEMORY_READ_BYTES = 16 * 1024 * 1024;
/** Slices fed to the parser: the granularity at which bytes after the end-of-archive are counted. */
const FEED_BYTES = 1024 * 1024;

const gunzipBounded = (bytes: Buffer, maxOutputLength: number) =>
  new Promise<Buffer>((resolve, reject) =>
    zlib.gunzip(bytes, { maxOutputLength }, (err, out) => (err ? reject(err) : resolve(out))),
  );

const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

const readError = (file: string, err: unknown) =>
  new PackageError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);

let hasher: PackageHasher | undefined;
/** The process's package hasher, made on first need (its worker starts only when asked). */
const packageHasher = () => (hasher ??= createPackageHasher({ capacity: MEMORY_READ_BYTES + FEED_BYTES }));

/**
 * Starts the package-hashing worker of a long-lived host ahead of an install (e.g. when a package
 * is first looked at), so the install itself finds it ready.
 */
export function warmPackageHasher(): void {
  packageHasher().warm();
}

/** Stops the package-hashing worker, if one runs (tests, shutdown). */
export function closePackageHasher(): Promise<void> {
  return hasher?.close() ?? Promise.resolve();
}

/** Extracts `file` into `dest` (an existing empty folder), or only hashes it when `dest` is undefined. */
export async function extractPackage(
  file: string,
  dest: string | undefined,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const memoryBytes = Math.min(options.memoryBytes ?? MEMORY_READ_BYTES, limits.fileBytes);
  const opened = openPackage(file, limits, memoryBytes);
  const sink = createTarSink(dest, limits, options);
  let pkg: { sha256: string | Promise<string>; size: number } | undefined;
  const job = 'sync' in opened && options.parallelHash ? packageHasher().begin() : undefined;
  try {
    pkg =
      'sync' in opened
        ? feedPlainSync(file, opened.sync, sink, limits, job)
        : 'whole' in opened
          ? await feedFromMemory(file, opened.whole, sink, memoryBytes)
          : await feedFromFile(file, opened.fd, sink, limits);
  } catch (err) {
    sink.fail(err);
  }
  try {
    const contents = await sink.done;
    await contents.flush.durable;
    return { ...contents, packageSha256: await pkg!.sha256, packageSize: pkg!.size };
  } finally {
    job?.release(); // nothing views the shared region any more: the parse ended
  }
}

/**
 * Opens the package (non-blocking, so a FIFO swapped in cannot hang us) and checks it is a
 * regular file within the cap. Up to `memoryBytes`: a plain tar is fed from its descriptor,
 * synchronously (`sync`); a gzip'd one is read whole, in one read, and closed (`whole`).
 * Otherwise the descriptor is returned for streaming.
 */
function openPackage(
  file: string,
  limits: ExtractLimits,
  memoryBytes: number,
): { whole: Buffer } | { sync: number; size: number } | { fd: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new PackageError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, 'not-found');
  }
  let keepOpen = false;
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new PackageError(`${file} is not a file`, 'not-found');
    if (st.size > limits.fileBytes) throw new PackageError(`${file} is larger than ${limits.fileBytes} bytes`);
    if (st.size <= memoryBytes) {
      const head = Buffer.alloc(2);
      if (fs.readSync(fd, head, 0, 2, 0) < 2 || !isGzip(head)) {
        keepOpen = true;
        return { sync: fd, size: st.size };
      }
      // One byte more than expected, to notice a file that grew between fstat and read.
      const buf = Buffer.allocUnsafe(st.size + 1);
      let got = 0;
      for (;;) {
        const n = fs.readSync(fd, buf, got, buf.length - got, got);
        got += n;
        if (got === buf.length) break; // it grew: stream it, under the usual caps
        // A read short of what was asked is the end (a regular file reads whole otherwise).
        if (n === 0 || got === st.size) return { whole: buf.subarray(0, got) };
      }
    }
    keepOpen = true;
    return { fd };
  } catch (err) {
    throw err instanceof PackageError ? err : readError(file, err);
  } finally {
    if (!keepOpen) fs.closeSync(fd);
  }
}

/**
 * Two slices reused by every synchronous feed (never two at once: a feed runs start to end without
 * yielding). Two, because the parser may keep a view of the tail of one slice (a header split
 * across slices) until the next write, where it copies it. Reused rather than allocated: on this
 * class of machine a fresh 5 MiB buffer costs page faults, sometimes 20 ms and more.
 */
let slices: [Buffer, Buffer] | undefined;

/**
 * Feeds a plain tar (up to the in-memory bound) from its descriptor in 1 MiB slices, hashing each
 * as stored, synchronously: no event-loop hop per slice, no buffer as large as the package. Reads
 * to the end of file (a file that grew since fstat counts, under the same cap).
 */
function feedPlainSync(
  file: string,
  fd: number,
  sink: TarSink,
  limits: ExtractLimits,
  job: HashJob | undefined,
): { sha256: string | Promise<string>; size: number } {
  slices ??= [Buffer.allocUnsafe(FEED_BYTES), Buffer.allocUnsafe(FEED_BYTES)];
  // With a job, each slice is read into the worker's region (never rewritten while the job
  // lasts) and hashed there; a package that outgrows it is hashed here from then on.
  let hash = job ? undefined : crypto.createHash('sha256');
  let size = 0;
  try {
    for (let i = 0; !sink.failed; i++) {
      if (!hash && size + FEED_BYTES > job!.capacity) hash = job!.takeBack(size);
      const slice = hash ? (i & 1 ? slices[1] : slices[0]) : job!.region(size, FEED_BYTES);
      let n: number;
      try {
        n = fs.readSync(fd, slice, 0, FEED_BYTES, size);
      } catch (err) {
        throw readError(file, err);
      }
      if (n === 0) break;
      size += n;
      if (size > limits.fileBytes) throw new PackageError(`${file} is larger than ${limits.fileBytes} bytes`);
      const chunk = slice.subarray(0, n);
      if (hash) hash.update(chunk);
      else job!.update(size - n, n);
      sink.write(chunk);
    }
  } finally {
    fs.closeSync(fd);
  }
  if (size === 0) throw new PackageError(`${file} is empty`);
  sink.end();
  return { sha256: hash ? hash.digest('hex') : job!.digest(size), size };
}

/** Feeds a tar held in memory to the parser, synchronously, in slices. */
function feedTar(tar: Buffer, sink: TarSink): void {
  for (let off = 0; off < tar.length && !sink.failed; off += FEED_BYTES) {
    sink.write(tar.subarray(off, off + FEED_BYTES));
  }
  sink.end();
}

async function feedFromMemory(
  file: string,
  bytes: Buffer,
  sink: TarSink,
  memoryBytes: number,
): Promise<{ sha256: string; size: number }> {
  if (bytes.length === 0) throw new PackageError(`${file} is empty`);
  // Hashed here, on this thread: WebCrypto's digest runs in the thread pool but copies the bytes
  // first, which on a busy machine cost as much as the hash.
  const pkg = { sha256: crypto.createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
  if (!isGzip(bytes)) {
    feedTar(bytes, sink);
    return pkg;
  }
  // A gzip member ends with its expanded size mod 2^32: only a hint (a hostile one may lie, and
  // the bounded gunzip below then stops at the bound and the bytes are streamed instead).
  const hint = bytes.length >= 18 ? bytes.readUInt32LE(bytes.length - 4) : 0;
  let tar: Buffer | undefined;
  if (hint <= memoryBytes) {
    try {
      tar = await gunzipBounded(bytes, memoryBytes);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') {
        throw new PackageError(`not a valid package archive (gzip: ${(err as Error).message})`);
      }
    }
  }
  if (tar) feedTar(tar, sink);
  else await gunzipStream([bytes], sink);
  return pkg;
}

/**
 * Streams gzip'd bytes through a bounded gunzip into the parser, with back-pressure; resolves once
 * all of it has been fed (or the sink failed).
 */
async function gunzipStream(source: AsyncIterable<Buffer> | Iterable<Buffer>, sink: TarSink): Promise<void> {
  const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 });
  const ended = new Promise<void>((resolve, reject) => {
    gunzip.on('data', (c: Buffer) => {
      sink.write(c);
      if (sink.failed) gunzip.destroy();
    });
    gunzip.on('error', (err) => reject(new PackageError(`not a valid package archive (gzip: ${err.message})`)));
    gunzip.on('end', () => resolve());
    gunzip.on('close', () => resolve()); // destroyed after a failure: the sink already knows why
  });
  ended.catch(() => {});
  try {
    for await (const data of source) {
      for (let off = 0; off < data.length; off += FEED_BYTES) {
        if (sink.failed || gunzip.destroyed) break;
        if (!gunzip.write(data.subarray(off, off + FEED_BYTES))) {
          await new Promise<void>((resolve) => {
            gunzip.once('drain', resolve);
            gunzip.once('close', resolve);
          });
        }
      }
      if (sink.failed || gunzip.destroyed) break;
    }
  } catch (err) {
    gunzip.destroy();
    throw err;
  }
  if (!gunzip.destroyed) gunzip.end();
  await ended;
  sink.end();
}

/** Streams a large package from disk, hashing and counting it as stored. */
async function feedFromFile(
  file: string,
  fd: number,
  sink: TarSink,
  limits: ExtractLimits,
): Promise<{ sha256: string; size: number }> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  let gzip: boolean | undefined;
  const src = fs.createReadStream(file, { fd, start: 0, highWaterMark: FEED_BYTES });
  /** The stored bytes, counted and hashed as they come; the first chunk decides gzip or plain. */
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for await (const data of src) {
        const chunk = data as Buffer;
        size += chunk.length;
        if (size > limits.fileBytes) throw new PackageError(`${file} is larger than ${limits.fileBytes} bytes`);
        hash.update(chunk);
        gzip ??= isGzip(chunk);
        yield chunk;
      }
    } catch (err) {
      throw err instanceof PackageError ? err : readError(file, err);
    } finally {
      src.destroy();
    }
  }
  const it = chunks();
  const first = await it.next();
  if (first.done) throw new PackageError(`${file} is empty`);
  if (gzip) {
    await gunzipStream(
      (async function* () {
        yield first.value;
        yield* it;
      })(),
      sink,
    );
  } else {
    sink.write(first.value);
    for await (const chunk of it) {
      if (sink.failed) break;
      sink.write(chunk);
    }
    sink.end();
  }
  if (sink.failed) await it.return(undefined);
  return { sha256: hash.digest('hex'), size };
}
