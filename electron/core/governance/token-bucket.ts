/**
 * Token buckets for call and I/O budgets. `take(n)` either takes all n tokens or none, so a
 * request over budget has no partial effect; `charge(n)` books what already happened (bytes that
 * arrived before their size was known) and may leave the bucket in debt, which refuses what
 * follows until it has refilled; `capacity` bounds a burst.
 */
import { BUDGET_KEYS, DEFAULT_LIMITS, MAX_LIMITS, type BudgetKey } from '../../common/limits';

export interface TokenBucket {
  take(n?: number): boolean;
  /** Takes n tokens even if that leaves fewer than none; false when the bucket is now in debt. */
  charge(n: number): boolean;
  /** Tokens available now (after refill); negative while in debt. */
  available(): number;
}

export function createTokenBucket(options: { perSecond: number; capacity: number; now?: () => number }): TokenBucket {
  const now = options.now ?? Date.now;
  let tokens = options.capacity;
  let last = now();
  const refill = () => {
    const t = now();
    tokens = Math.min(options.capacity, tokens + ((t - last) / 1000) * options.perSecond);
    last = t;
  };
  return {
    take(n = 1) {
      refill();
      if (n > tokens) return false;
      tokens -= n;
      return true;
    },
    charge(n) {
      refill();
      tokens -= n;
      return tokens >= 0;
    },
    available() {
      refill();
      return tokens;
    },
  };
}

/** The budgets one extension runs with, in the manifest's units (`limits.*`). */
export type Budgets = Record<BudgetKey, number>;

/**
 * What an extension gets: what its manifest asks for (or the default), never above the host
 * maximum or an admin policy's ceiling. `capped` names the budgets the policy lowered.
 */
export function resolveBudgets(
  asked: Partial<Record<BudgetKey, number>>,
  ceilings: Partial<Record<BudgetKey, number>> = {},
): { budgets: Budgets; capped: BudgetKey[] } {
  const budgets = {} as Budgets;
  const capped: BudgetKey[] = [];
  for (const k of BUDGET_KEYS) {
    const want = asked[k] ?? DEFAULT_LIMITS[k];
    const ceiling = Math.min(ceilings[k] ?? MAX_LIMITS[k], MAX_LIMITS[k]);
    budgets[k] = Math.min(want, ceiling);
    if (want > ceiling) capped.push(k);
  }
  return { budgets, capped };
}

/** Desktop notifications reach the user directly: a handful at once, then one every few seconds. */
export const NOTIFICATION_BUDGET = { perMinute: 20, burst: 5 } as const;

const MB = 1024 * 1024;

export interface BudgetMeter {
  readonly budgets: Budgets;
  call(): boolean;
  /** Before a local write of n bytes: all or nothing. */
  fsTake(n: number): boolean;
  /** After a local read of n bytes: booked; false when that overdrew the budget. */
  fsCharge(n: number): boolean;
  /** Before a request: one request token. */
  netRequest(): boolean;
  /** Before a request: whether the byte budget is not spent (or overdrawn). */
  netBytesLeft(): boolean;
  /** Bytes sent or received: booked; false when that overdrew the budget. */
  netCharge(n: number): boolean;
  notification(): boolean;
  /**
   * A behaviour "throttle" response: every budget also divided by `factor` (a second, tighter
   * meter that must agree too); `undefined` lifts it. Reversible, so it never replaces the base.
   */
  throttle(factor?: number): void;
  /** The factor in force, if throttled. */
  throttled(): number | undefined;
}

/** Budgets divided by a throttle factor, never below one call per second or per minute. */
export function scaleBudgets(b: Budgets, factor: number): Budgets {
  const out = {} as Budgets;
  for (const k of BUDGET_KEYS)
    out[k] = k.endsWith('MbPerMinute') ? b[k] / factor : Math.max(1, Math.floor(b[k] / factor));
  return out;
}

type BaseMeter = Omit<BudgetMeter, 'throttle' | 'throttled'>;

export function createBudgetMeter(b: Budgets, now?: () => number): BudgetMeter {
  const base = createBaseMeter(b, now);
  let tight: { factor: number; meter: BaseMeter } | undefined;
  // The tighter meter is asked first, so a call it refuses costs the base budget nothing; bytes
  // that already moved are booked on both.
  const both =
    <A extends unknown[]>(pick: (m: BaseMeter) => (...a: A) => boolean) =>
    (...a: A) =>
      (!tight || pick(tight.meter)(...a)) && pick(base)(...a);
  return {
    budgets: b,
    call: both((m) => m.call),
    fsTake: both((m) => m.fsTake),
    fsCharge: (n) => [tight?.meter.fsCharge(n) ?? true, base.fsCharge(n)].every(Boolean),
    netRequest: both((m) => m.netRequest),
    netBytesLeft: both((m) => m.netBytesLeft),
    netCharge: (n) => [tight?.meter.netCharge(n) ?? true, base.netCharge(n)].every(Boolean),
    notification: base.notification,
    throttle(factor) {
      tight = factor && factor > 1 ? { factor, meter: createBaseMeter(scaleBudgets(b, factor), now) } : undefined;
    },
    throttled: () => tight?.factor,
  };
}

function createBaseMeter(b: Budgets, now?: () => number): Omit<BudgetMeter, 'throttle' | 'throttled'> {
  const perMinute = (amount: number) => createTokenBucket({ perSecond: amount / 60, capacity: amount, now });
  const calls = createTokenBucket({ perSecond: b.hostCallsPerSecond, capacity: b.hostCallsPerSecond, now });
  const fsBytes = perMinute(b.fsMbPerMinute * MB);
  const netReq = perMinute(b.netRequestsPerMinute);
  const netBytes = perMinute(b.netMbPerMinute * MB);
  const notes = createTokenBucket({
    perSecond: NOTIFICATION_BUDGET.perMinute / 60,
    capacity: NOTIFICATION_BUDGET.burst,
    now,
  });
  return {
    budgets: b,
    call: () => calls.take(1),
    fsTake: (n) => fsBytes.available() >= 0 && fsBytes.take(n),
    fsCharge: (n) => fsBytes.charge(n),
    netRequest: () => netReq.take(1),
    netBytesLeft: () => netBytes.available() > 0,
    netCharge: (n) => netBytes.charge(n),
    notification: () => notes.take(1),
  };
}
