/**
 * The package's SHA-256 on a second thread. An install hashes every byte twice: the package as
 * stored (what catalogs, the blocklist and `warden verify` name) and each file in it (the signed
 * file list). Two SHA-256s cannot be combined, so a long-lived host hashes the package on a worker
 * while its main thread parses, writes and hashes the files: on two cores the passes overlap.
 *
 * Why it is safe: the worker sees only bytes this thread read (a SharedArrayBuffer it reads and
 * never writes; a region is never rewritten while a job holds it) and answers only a hex digest,
 * checked for shape. If the worker is not ready, is busy, dies, or does not answer in time, this
 * thread hashes the same bytes itself: the result is never missing or guessed, only slower.
 * Why it is opt-in: starting a worker costs more (~20–30 ms of CPU) than one install saves, so the
 * one-shot CLI never starts one; the app host warms it when a package is first looked at and lets
 * it go after a minute idle.
 */
import crypto from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** One package being hashed on the worker. */
export interface HashJob {
  /** Bytes the region can hold (the package is read into it from offset 0, in order). */
  readonly capacity: number;
  /** A view of the region at `[off, off + len)` to read into. */
  region(off: number, len: number): Buffer;
  /** `[off, off + len)` now holds the package's next bytes: hash them. */
  update(off: number, len: number): void;
  /**
   * The package did not fit: a main-thread hash of what was read so far (`[0, size)`), to go on
   * with; the worker's job is dropped.
   */
  takeBack(size: number): crypto.Hash;
  /** The digest of `[0, size)`: the worker's, or this thread's if the worker fails or is slow. */
  digest(size: number): Promise<string>;
  /** The region may be reused (call once nothing views it any more). */
  release(): void;
}

export interface PackageHasher {
  /** Starts the worker if it is not running (returns at once; it is ready a few ms later). */
  warm(): void;
  /** A job if the worker is ready and idle, else undefined (hash on this thread). */
  begin(): HashJob | undefined;
  /** Stops the worker now. */
  close(): Promise<void>;
}

export interface HasherOptions {
  /** Bytes of the shared region: packages up to this are hashed on the worker. */
  capacity: number;
  /** How long a digest may take before this thread hashes instead (the worker is then replaced). */
  digestTimeoutMs?: number;
  /** Idle time after which the worker (and its region) are let go. */
  idleMs?: number;
}

// Plain CommonJS, evaluated by the worker: no bundle, no imports of ours. It hashes the slices
// it is told of, in order, and answers one digest per job; nothing else.
const WORKER_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
let bytes, job, hash;
parentPort.on('message', (m) => {
  if (m.t === 'region') { bytes = new Uint8Array(m.sab); return; }
  if (m.t === 'begin') { job = m.job; hash = createHash('sha256'); return; }
  if (m.job !== job || !hash) return;
  if (m.t === 'update') { hash.update(bytes.subarray(m.off, m.off + m.len)); return; }
  if (m.t === 'end') { parentPort.postMessage({ job, hex: hash.digest('hex') }); hash = undefined; }
});
`;

const HEX64 = /^[0-9a-f]{64}$/;

export function createPackageHasher(options: HasherOptions): PackageHasher {
  const digestTimeoutMs = options.digestTimeoutMs ?? 5000;
  const idleMs = options.idleMs ?? 60_000;
  let worker: Worker | undefined;
  let ready = false;
  let sab: SharedArrayBuffer | undefined;
  let busy = false;
  let broken = false;
  let jobSeq = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  /** The answer the current job waits for (settled by a message, an error, an exit or the timer). */
  let waiting: { job: number; settle(hex: string | undefined): void } | undefined;

  const stop = () => {
    const w = worker;
    worker = undefined;
    ready = false;
    sab = undefined;
    waiting?.settle(undefined);
    return w ? w.terminate().then(() => undefined) : Promise.resolve();
  };

  const armIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void stop(), idleMs);
    idleTimer.unref();
  };

  function warm(): void {
    armIdle();
    if (worker || broken) return;
    let w: Worker;
    try {
      w = new Worker(WORKER_SOURCE, { eval: true, stdout: true, stderr: true });
    } catch {
      broken = true; // no threads here (resource limits?): this thread hashes, as in the CLI
      return;
    }
    worker = w;
    w.once('online', () => {
      if (worker !== w) return;
      sab = new SharedArrayBuffer(options.capacity);
      w.postMessage({ t: 'region', sab });
      ready = true;
    });
    w.on('message', (m: { job?: unknown; hex?: unknown }) => {
      if (worker !== w || !waiting || m.job !== waiting.job) return;
      waiting.settle(typeof m.hex === 'string' && HEX64.test(m.hex) ? m.hex : undefined);
    });
    const gone = () => {
      if (worker === w) void stop();
    };
    w.once('error', gone);
    w.once('exit', gone);
    // Never what keeps a process alive. After the listeners: adding a 'message' listener refs
    // the worker again (a `warden serve` then never exited on SIGTERM).
    w.unref();
  }

  function begin(): HashJob | undefined {
    if (!ready || busy || !worker || !sab) {
      warm();
      return undefined;
    }
    busy = true;
    armIdle();
    const w = worker;
    const region = sab;
    const job = ++jobSeq;
    let live = true; // false once taken back: the worker's answer is no longer wanted
    w.postMessage({ t: 'begin', job });
    const mainHash = (size: number) => crypto.createHash('sha256').update(new Uint8Array(region, 0, size));
    return {
      capacity: region.byteLength,
      region: (off, len) => Buffer.from(region, off, len),
      update(off, len) {
        if (live) w.postMessage({ t: 'update', job, off, len });
      },
      takeBack(size) {
        live = false;
        return mainHash(size);
      },
      async digest(size) {
        if (!live || worker !== w) return mainHash(size).digest('hex');
        const hex = await new Promise<string | undefined>((resolve) => {
          const timer = setTimeout(() => {
            // Slow or stuck: replaced, and this thread hashes instead.
            if (worker === w) void stop();
            resolve(undefined);
          }, digestTimeoutMs);
          waiting = {
            job,
            settle: (value) => {
              clearTimeout(timer);
              waiting = undefined;
              resolve(value);
            },
          };
          w.postMessage({ t: 'end', job });
        });
        return hex ?? mainHash(size).digest('hex');
      },
      release() {
        busy = false;
        armIdle();
      },
    };
  }

  return {
    warm,
    begin,
    close: () => {
      clearTimeout(idleTimer);
      return stop();
    },
  };
}
