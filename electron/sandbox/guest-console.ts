/**
 * `console` for guests: formatted in the sandbox, forwarded to the host log, rate-limited.
 * `warn`, `error`, `assert` and `trace` say where they were called from and where an Error they
 * are given was thrown, in the author's files when the bundle has a source map (guest frames
 * only: see guest-errors.ts).
 */
import type { LogLevel } from '../common/protocol-limits';
import { errorText } from './safe-format';

export type LogSink = (level: LogLevel, args: unknown[]) => void;

/** Where things are in the guest's code; absent in tests that only count lines. */
export interface GuestPlaces {
  /** Where an error was thrown (its first guest frame). */
  errorLocation(err: unknown): string | undefined;
  /** Where the console method was called from (the innermost guest frame). */
  callerLocation(): string | undefined;
  /** The guest frames of the current call, innermost first, as `at fn (file:line:col)`. */
  callStack(): string[];
}

export function createGuestConsole(log: LogSink, places?: GuestPlaces): Record<string, (...args: unknown[]) => void> {
  /** Errors among the arguments gain their location; the line ends with the caller's. */
  const located = (level: LogLevel, args: unknown[]) => {
    if (!places) return log(level, args);
    const out = args.map((a) => {
      if (!(a instanceof Error)) return a;
      const where = places.errorLocation(a);
      return where ? `${errorText(a)} (at ${where})` : a;
    });
    const caller = places.callerLocation();
    log(level, caller ? [...out, `(at ${caller})`] : out);
  };
  const counts = new Map<string, number>();
  const timers = new Map<string, number>();
  const label = (v: unknown) => (v === undefined ? 'default' : String(v));
  return {
    log: (...a) => log('info', a),
    info: (...a) => log('info', a),
    warn: (...a) => located('warn', a),
    error: (...a) => located('error', a),
    debug: (...a) => log('debug', a),
    trace: (...a) => {
      const frames = places?.callStack() ?? [];
      log('debug', ['Trace:', ...a, ...frames.map((f) => `\n    ${f}`)]);
    },
    dir: (...a) => log('info', a.slice(0, 1)),
    table: (...a) => log('info', a.slice(0, 1)),
    assert: (cond, ...a) => {
      if (!cond) located('error', ['Assertion failed', ...a]);
    },
    count: (l) => {
      const key = label(l);
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      log('info', [`${key}: ${n}`]);
    },
    countReset: (l) => void counts.delete(label(l)),
    time: (l) => void timers.set(label(l), Date.now()),
    timeLog: (l, ...a) => log('info', [`${label(l)}: ${Date.now() - (timers.get(label(l)) ?? Date.now())}ms`, ...a]),
    timeEnd: (l) => {
      const key = label(l);
      log('info', [`${key}: ${Date.now() - (timers.get(key) ?? Date.now())}ms`]);
      timers.delete(key);
    },
    group: (...a) => a.length > 0 && log('info', a),
    groupCollapsed: (...a) => a.length > 0 && log('info', a),
    groupEnd: () => {},
  };
}

/** A token bucket: `take()` is false once the rate is exceeded; `dropped()` reads and resets. */
export function createRateGate(perSecond: number, burst: number, now: () => number = Date.now) {
  let tokens = burst;
  let last = now();
  let droppedCount = 0;
  return {
    take(): boolean {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * perSecond);
      last = t;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      droppedCount++;
      return false;
    },
    dropped(): number {
      const n = droppedCount;
      droppedCount = 0;
      return n;
    },
  };
}
