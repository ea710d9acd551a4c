/**
 * Timer endowments. Guests get numeric handles (a Node `Timeout` object would hand them host
 * methods such as `ref`/`unref`/`refresh`), a bounded number of live timers, and callbacks whose
 * throws are reported instead of crashing the process.
 */

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

export function createGuestTimers(opts: { max: number; onError(err: unknown): void }): GuestTimers {
  const live = new Map<number, NodeJS.Timeout>();
  let nextId = 1;

  const schedule = (repeat: boolean, fn: unknown, ms: unknown, args: unknown[]): number => {
    if (typeof fn !== 'function') throw new TypeError('timer callback must be a function (strings are not evaluated)');
    if (live.size >= opts.max) throw new RangeError(`too many live timers (limit ${opts.max})`);
    const delay = Math.max(0, Math.min(Number(ms) || 0, 2 ** 31 - 1));
    const id = nextId++;
    const run = () => {
      if (!repeat) live.delete(id);
      try {
        Reflect.apply(fn, undefined, args);
      } catch (err) {
        opts.onError(err);
      }
    };
    live.set(id, repeat ? setInterval(run, delay) : setTimeout(run, delay));
    return id;
  };
  const clear = (id: unknown) => {
    if (typeof id !== 'number') return;
    const t = live.get(id);
    if (t === undefined) return;
    clearTimeout(t);
    live.delete(id);
  };

  return {
    setTimeout: (fn, ms, ...args) => schedule(false, fn, ms, args),
    setInterval: (fn, ms, ...args) => schedule(true, fn, ms, args),
    clearTimeout: clear,
    clearInterval: clear,
    active: () => live.size,
    clearAll() {
      for (const t of live.values()) clearTimeout(t);
      live.clear();
    },
  };
}
