/**
 * Pinned reads (Linux) on worker threads: each step of a read is one message to a worker doing
 * synchronous calls, instead of one libuv thread-pool round trip per call. A 4 KiB read is two
 * messages (pin before the permission decision, open + read + close after it) instead of five
 * round trips (O_PATH open, fstat, open, read, close); measured on Linux with Node 20, the two
 * messages took 92-116 µs against 170-179 µs for the five round trips, and less CPU.
 *
 * Synchronous calls on a hung mount (NFS, FUSE) block the worker, never the host: every request
 * has a deadline; past it the request fails with ETIMEDOUT, its worker is given up on (its queued
 * messages are answered without touching files) and later requests go to a fresh worker. A worker
 * given up on is ended once it has answered everything it was sent (a thread blocked in the kernel
 * cannot be ended sooner), and only a few may be held at once: past that, reads fail at once.
 * Also bounded: workers alive, requests posted to each, requests waiting, bytes being read.
 *
 * A worker costs ~50 ms of CPU to start, so none starts until the process has made `startAfter`
 * pinned reads: until one is up the caller takes the libuv path (dir-anchor.ts openPinned).
 *
 * Waking this thread for an answer is most of a step's cost: on a 2-vCPU VM a step whose calls
 * take ~8 µs took 70–90 µs, nearly all of it this thread sleeping in epoll and being woken. So,
 * as adaptive mutexes do, the host waits a bounded moment (`spinUs`, default 100 µs) for the answer
 * of a step it just posted to an idle worker, watching a counter the worker bumps, and takes the
 * answer off the port synchronously (receiveMessageOnPort): a step then costs ~25 µs. Past the
 * moment the answer comes the usual way; after a run of misses (a slow disk, a busy machine) it
 * only tries every 16th step, so a slow file system costs this thread almost nothing.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { close as closeFd } from 'node:fs';
import { errno } from './errors';
import { PINNED_WORKER_SOURCE } from './pinned-worker-source';

/** What a pin tells about the object: its descriptor (O_PATH), real path, kind, size, identity. */
export interface PinFacts {
  fd: number;
  real: string;
  kind: 'file' | 'directory' | 'other';
  size: number;
  dev: number;
  ino: number;
}

export interface PinnedPool {
  /** Counts a pinned read; true when a worker is up to take it (starts one after `startAfter`). */
  ready(): boolean;
  /** Pins `path`; undefined when it names no object (the caller's anchored path says why). */
  pin(path: string): Promise<PinFacts | undefined>;
  /** Opens through the pin (which it closes) and reads at most `max` bytes; 'too-big' past them. */
  read(fd: number, flags: number, size: number, max: number): Promise<Uint8Array | 'too-big'>;
  /** Closes a pin that will not be read. */
  release(fd: number): void;
  /** Starts a worker now and resolves once it is up (tests; production waits for `startAfter`). */
  whenReady(): Promise<void>;
  /** `quickAnswers`: answers taken within the short wait (see top). */
  stats(): { live: number; abandoned: number; waiting: number; bytesInFlight: number; quickAnswers: number };
  /** Ends every worker (tests). */
  close(): Promise<void>;
}

export interface PinnedPoolOptions {
  /** Pinned reads before the first worker starts (default 32). */
  startAfter?: number;
  /** Deadline of one request, waiting included (default 30 s). */
  timeoutMs?: number;
  maxWorkers?: number;
  /** Requests posted to one worker at a time (default 8). */
  maxPendingPerWorker?: number;
  /** Requests waiting for room (default 128); past it a request fails with EPOOLFULL. */
  maxWaiting?: number;
  /** Bytes reads may hold at once (default 64 MiB); one read always may. */
  maxBytesInFlight?: number;
  /** Workers given up on and still blocked that may be held (default 4). */
  maxAbandoned?: number;
  /** Tests only: a FIFO the next request blocks on opening, like a hung mount (asked per request). */
  testStall?: () => string | undefined;
  /** How long the host waits for a quick answer before it lets the event loop bring it (default 100 µs; 0: never). */
  spinUs?: number;
}

/** Linux O_PATH (generic value; pinnedOpenAvailable checks the architecture). */
const O_PATH = 0o10000000;

interface Request {
  id: number;
  message: Record<string, unknown>;
  bytes: number;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer?: NodeJS.Timeout;
  slot?: Slot;
}

interface Slot {
  worker: Worker;
  /** [0]: the cancel flag; [1]: answers the worker has sent (pinned-worker-source.ts). */
  control: Int32Array;
  /** Where the worker's answers arrive. */
  answers: MessagePort;
  online: boolean;
  abandoned: boolean;
  pending: Map<number, Request>;
  idleTimer?: NodeJS.Timeout;
}

const IDLE_MS = 10_000;
/** Misses in a row after which the host only tries a quick wait every PROBE_EVERY-th step. */
const MISSES_BEFORE_BACKOFF = 3;
const PROBE_EVERY = 16;

export function createPinnedPool(options: PinnedPoolOptions = {}): PinnedPool {
  const startAfter = options.startAfter ?? 32;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxWorkers = options.maxWorkers ?? 2;
  const maxPending = options.maxPendingPerWorker ?? 8;
  const maxWaiting = options.maxWaiting ?? 128;
  const maxBytes = options.maxBytesInFlight ?? 64 * 1024 * 1024;
  const maxAbandoned = options.maxAbandoned ?? 4;
  const spinMs = (options.spinUs ?? 100) / 1000;
  let misses = 0;
  let sinceProbe = 0;
  let quickAnswers = 0;

  const live: Slot[] = [];
  const abandoned = new Set<Slot>();
  const waiting: Request[] = [];
  let uses = 0;
  let seq = 0;
  let bytesInFlight = 0;
  let closed = false;
  /** No worker could be started here (resource limits?): reads stay on the libuv path. */
  let broken = false;

  function spawn(): Slot | undefined {
    if (closed || broken || live.length >= maxWorkers || abandoned.size >= maxAbandoned) return undefined;
    const control = new Int32Array(new SharedArrayBuffer(8));
    const channel = new MessageChannel();
    let worker: Worker;
    try {
      worker = new Worker(PINNED_WORKER_SOURCE, {
        eval: true,
        workerData: { oPath: O_PATH, control: control.buffer, answers: channel.port2 },
        transferList: [channel.port2],
        // Only buffers it hands over (off the JS heap) grow with a read; its own heap stays small.
        resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
        // Pins it opens belong to the host (closed by the host or by a later read, maybe on another
        // worker): Node must not close them when this worker ends, nor track them as its own.
        trackUnmanagedFds: false,
      });
    } catch {
      channel.port1.close();
      broken = true;
      return undefined;
    }
    const answers = channel.port1;
    const slot: Slot = { worker, control, answers, online: false, abandoned: false, pending: new Map() };
    worker.on('online', () => {
      slot.online = true;
      drain();
    });
    answers.on('message', (m: { id: number }) => answered(slot, m));
    worker.on('error', () => lost(slot));
    worker.on('exit', () => {
      answers.close();
      lost(slot);
    });
    // An idle worker never keeps the host alive (after the listeners: a 'message' listener refs
    // the port); a request waiting for an answer does, through its deadline timer.
    answers.unref();
    worker.unref();
    live.push(slot);
    return slot;
  }

  /** A worker that crashed or exited: what it held fails (a read's pin may leak: never closed twice). */
  function lost(slot: Slot): void {
    const at = live.indexOf(slot);
    if (at >= 0) live.splice(at, 1);
    abandoned.delete(slot);
    for (const r of slot.pending.values()) settle(r, () => r.reject(errno('EIO')));
    slot.pending.clear();
    drain();
  }

  function settle(r: Request, done: () => void): void {
    if (r.timer === undefined) return; // already settled (timed out)
    clearTimeout(r.timer);
    r.timer = undefined;
    if (r.slot) bytesInFlight -= r.bytes; // counted from when it was posted
    done();
  }

  function answered(slot: Slot, m: Record<string, unknown> & { id: number }): void {
    const r = slot.pending.get(m.id);
    if (!r) return;
    slot.pending.delete(m.id);
    if (r.timer === undefined) {
      // Too late: nobody waits for it any more. A pin it made is closed here, never used.
      const pin = m.pin as PinFacts | undefined;
      if (pin) closeFd(pin.fd, () => {});
    } else if (m.error !== undefined) settle(r, () => r.reject(errno(String(m.error))));
    else if (m.cancelled) settle(r, () => r.reject(errno('ETIMEDOUT')));
    else settle(r, () => r.resolve(m.pin ?? m.read));
    if (slot.abandoned) {
      if (slot.pending.size === 0) void slot.worker.terminate();
      return;
    }
    if (slot.pending.size === 0) idle(slot);
    drain();
  }

  /** Workers beyond the first end after a while without work. */
  function idle(slot: Slot): void {
    if (live.length <= 1 || slot.idleTimer) return;
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = undefined;
      if (slot.pending.size === 0 && live.length > 1 && !slot.abandoned) {
        live.splice(live.indexOf(slot), 1);
        void slot.worker.terminate();
      }
    }, IDLE_MS).unref();
  }

  /** The request missed its deadline: it fails, and so does its worker, stuck on it or ahead of it. */
  function expired(r: Request): void {
    const slot = r.slot;
    if (!slot) {
      const at = waiting.indexOf(r);
      if (at >= 0) waiting.splice(at, 1);
      settle(r, () => r.reject(errno('ETIMEDOUT')));
      return;
    }
    if (!slot.abandoned) {
      slot.abandoned = true;
      Atomics.store(slot.control, 0, 1);
      const at = live.indexOf(slot);
      if (at >= 0) live.splice(at, 1);
      abandoned.add(slot);
    }
    // Everything posted to it waits behind the stuck call: it all fails now (it is still answered
    // later, which is when the worker can be ended and a late pin closed).
    for (const p of slot.pending.values()) settle(p, () => p.reject(errno('ETIMEDOUT')));
    drain();
  }

  /** The live worker with room and the fewest requests, starting another when all are busy. */
  function pick(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of live) if (s.online && (!best || s.pending.size < best.pending.size)) best = s;
    const starting = live.some((s) => !s.online);
    if (!starting && (!best || best.pending.size > 0) && live.length < maxWorkers) spawn();
    return best && best.pending.size < maxPending ? best : undefined;
  }

  function post(slot: Slot, r: Request): void {
    r.slot = slot;
    if (slot.idleTimer) {
      clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
    }
    slot.pending.set(r.id, r);
    bytesInFlight += r.bytes;
    const before = Atomics.load(slot.control, 1);
    slot.worker.postMessage(r.message);
    // Only the one step of an idle worker: its answer is the next one, due in microseconds.
    if (slot.pending.size === 1) quickAnswer(slot, before);
  }

  /** Waits up to spinMs for the worker's next answer and, if it came, handles it now (see top). */
  function quickAnswer(slot: Slot, before: number): void {
    if (spinMs <= 0) return;
    if (misses >= MISSES_BEFORE_BACKOFF && ++sinceProbe % PROBE_EVERY !== 0) return;
    const until = performance.now() + spinMs;
    while (Atomics.load(slot.control, 1) === before) {
      if (performance.now() > until) {
        misses++;
        return;
      }
    }
    const got = receiveMessageOnPort(slot.answers);
    if (!got) return; // already delivered the usual way
    misses = 0;
    quickAnswers++;
    answered(slot, got.message as { id: number });
  }

  const fits = (r: Request) => bytesInFlight === 0 || bytesInFlight + r.bytes <= maxBytes;

  function drain(): void {
    while (waiting.length > 0 && fits(waiting[0]!)) {
      const slot = pick();
      if (!slot) break;
      post(slot, waiting.shift()!);
    }
  }

  function request<T>(message: Record<string, unknown>, bytes: number): Promise<T> {
    if (closed) return Promise.reject(errno('EIO'));
    if (live.length === 0 && !spawn()) return Promise.reject(errno('ETIMEDOUT')); // all stuck
    if (waiting.length >= maxWaiting) return Promise.reject(errno('EPOOLFULL'));
    return new Promise<T>((resolve, reject) => {
      const id = ++seq;
      const fifo = options.testStall?.();
      const stall = fifo ? { stall: fifo } : {};
      const r: Request = { id, message: { ...message, id, ...stall }, bytes, resolve: resolve as never, reject };
      r.timer = setTimeout(() => expired(r), timeoutMs);
      const slot = waiting.length === 0 && fits(r) ? pick() : undefined;
      if (slot) post(slot, r);
      else waiting.push(r);
    });
  }

  return {
    ready() {
      if (broken) return false;
      if (live.some((s) => s.online)) return true;
      if (++uses >= startAfter && live.length === 0) spawn();
      return false;
    },
    async pin(path) {
      try {
        return await request<PinFacts>({ op: 'pin', path }, 0);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ETIMEDOUT' || code === 'EPOOLFULL' || code === 'EIO') throw err;
        return undefined; // the path names no object: the anchored path reports why, after the check
      }
    },
    async read(fd, flags, size, max) {
      const r = await request<{ tooBig?: true; buffer?: ArrayBuffer; length?: number }>(
        { op: 'read', fd, flags, size, max },
        size > 0 ? Math.min(size, max) + 1 : max + 1, // procfs says 0 and may hold up to the cap
      );
      return r.tooBig ? 'too-big' : new Uint8Array(r.buffer!, 0, r.length);
    },
    release(fd) {
      closeFd(fd, () => {});
    },
    whenReady() {
      if (live.some((s) => s.online)) return Promise.resolve();
      const slot = live[0] ?? spawn();
      if (!slot) return Promise.reject(errno('ETIMEDOUT'));
      return new Promise<void>((resolve, reject) => {
        slot.worker.ref(); // someone waits for it to start
        slot.worker.once('online', () => {
          slot.worker.unref();
          resolve();
        });
        slot.worker.once('error', reject);
      });
    },
    stats: () => ({
      live: live.length,
      abandoned: abandoned.size,
      waiting: waiting.length,
      bytesInFlight,
      quickAnswers,
    }),
    async close() {
      closed = true;
      for (const r of waiting.splice(0)) settle(r, () => r.reject(errno('EIO')));
      const all = [...live, ...abandoned];
      live.length = 0;
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}

let shared: PinnedPool | undefined;
/** The process's pool, shared by every extension's fs gateway. */
export function sharedPinnedPool(): PinnedPool {
  shared ??= createPinnedPool();
  return shared;
}
