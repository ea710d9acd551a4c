/**
 * A virtual clock for tests (`warden/testing`, `init.clock`): the guest's `Date`, `performance`
 * and timers read it, and only the host moves it (`clock` messages). Advancing fires the timers
 * that fall due in order of due time, each at its own moment, so an interval that is due three
 * times in the window runs three times. Never used outside a test host.
 */

export interface VirtualClock {
  now(): number;
  /** Schedules `run` at `now() + delay`; returns a handle for `cancel`. */
  schedule(delay: number, run: () => void): number;
  cancel(handle: number): void;
  advance(ms: number): void;
}

export function createVirtualClock(startMs: number): VirtualClock {
  let now = startMs;
  let seq = 0;
  const due = new Map<number, { at: number; run: () => void }>();
  return {
    now: () => now,
    schedule(delay, run) {
      const handle = ++seq;
      due.set(handle, { at: now + delay, run });
      return handle;
    },
    cancel: (handle) => void due.delete(handle),
    advance(ms) {
      const target = now + ms;
      for (;;) {
        let next: [number, { at: number; run: () => void }] | undefined;
        for (const entry of due) if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
        if (!next) break;
        due.delete(next[0]);
        now = Math.max(now, next[1].at);
        next[1].run();
      }
      now = target;
    },
  };
}

/** A `Date` whose "now" is the virtual clock's; everything else is the real Date's. */
export function createVirtualDate(now: () => number): DateConstructor {
  const RealDate = Date;
  function VirtualDate(this: unknown, ...args: unknown[]): unknown {
    if (new.target === undefined) return new RealDate(now()).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [now()] : args, new.target);
  }
  VirtualDate.prototype = RealDate.prototype;
  VirtualDate.now = () => now();
  VirtualDate.parse = RealDate.parse;
  VirtualDate.UTC = RealDate.UTC;
  return VirtualDate as unknown as DateConstructor;
}
