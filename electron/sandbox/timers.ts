/**
 * Timer endowments. Guests get numeric handles (a Node `Timeout` object would hand them host
 * methods such as `ref`/`unref`/`refresh`), a bounded number of live timers, and callbacks whose
 * throws are reported instead of crashing the process. Under a test host they run on a virtual
 * clock instead of the event loop.
 */
import type { VirtualClock } from './virtual-clock';

export interface GuestTimers {
  setTimeout(fn: unknown, ms?: unknown, ...args: unknown[]): number;
  clearTimeout(id: unknown): void;
  setInterval(fn: unknown, ms?: unknown, ...args: unknown[]): number;
  clearInterval(id: unknown): void;
  /** Live timers, reported in heartbeats. */
  active(): number;
  /** Cancels every live timer (on stop). */
  clearAll(): void;
}

/** How a timer is put on a clock: the real event loop, or a test's virtual clock. */
interface TimerBackend {
  set(delay: number, run: () => void): unknown;
  clear(t: unknown): void;
}

const realTimers: TimerBackend = {
  set: (delay, run) => setTimeout(run, delay),
  clear: (t) => clearTimeout(t as NodeJS.Timeout),
};

export function createGuestTimers(opts: {
  max: number;
  onError(err: unknown): void;
  clock?: VirtualClock;
}): GuestTimers {
  const backend: TimerBackend = opts.clock
    ? { set: (delay, run) => opts.clock!.schedule(delay, run), clear: (t) => opts.clock!.cancel(t as number) }
    : realTimers;
  const live = new Map<number, unknown>();
  let nextId = 1;

  const schedule = (repeat: boolean, fn: unknown, ms: unknown, args: unknown[]): number => {
    if (typeof fn !== 'function') throw new TypeError('timer callback must be a function (strings are not evaluated)');
    if (live.size >= opts.max) throw new RangeError(`too many live timers (limit ${opts.max})`);
    const delay = Math.max(0, Math.min(Number(ms) || 0, 2 ** 31 - 1));
    const id = nextId++;
    // An interval is a timeout that re-arms itself before running (so the callback can clear it).
    const run = () => {
      if (repeat) live.set(id, backend.set(Math.max(1, delay), run));
      else live.delete(id);
      try {
        Reflect.apply(fn, undefined, args);
      } catch (err) {
        opts.onError(err);
      }
    };
    live.set(id, backend.set(delay, run));
    return id;
  };
  const clear = (id: unknown) => {
    if (typeof id !== 'number') return;
    if (!live.has(id)) return;
    backend.clear(live.get(id));
    live.delete(id);
  };

  return {
    setTimeout: (fn, ms, ...args) => schedule(false, fn, ms, args),
    setInterval: (fn, ms, ...args) => schedule(true, fn, ms, args),
    clearTimeout: clear,
    clearInterval: clear,
    active: () => live.size,
    clearAll() {
      for (const t of live.values()) backend.clear(t);
      live.clear();
    },
  };
}
