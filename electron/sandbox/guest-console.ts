/** `console` for guests: formatted in the sandbox, forwarded to the host log, rate-limited. */
import type { LogLevel } from '../common/protocol-limits';

export type LogSink = (level: LogLevel, args: unknown[]) => void;

export function createGuestConsole(log: LogSink): Record<string, (...args: unknown[]) => void> {
  const counts = new Map<string, number>();
  const timers = new Map<string, number>();
  const label = (v: unknown) => (v === undefined ? 'default' : String(v));
  return {
    log: (...a) => log('info', a),
    info: (...a) => log('info', a),
    warn: (...a) => log('warn', a),
    error: (...a) => log('error', a),
    debug: (...a) => log('debug', a),
    trace: (...a) => log('debug', a),
    dir: (...a) => log('info', a.slice(0, 1)),
    table: (...a) => log('info', a.slice(0, 1)),
    assert: (cond, ...a) => {
      if (!cond) log('error', ['Assertion failed', ...a]);
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
