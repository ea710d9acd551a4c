/**
 * Token buckets for call and I/O budgets. `take(n)` either takes all n tokens or none, so a
 * request over budget has no partial effect; `capacity` bounds a burst.
 */
export interface TokenBucket {
  take(n?: number): boolean;
  /** Tokens available now (after refill). */
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
    available() {
      refill();
      return tokens;
    },
  };
}

/** Per-extension I/O and call budgets (host-wide defaults; an admin policy may lower them). */
export interface Budgets {
  hostCallsPerSecond: number;
  fsBytesPerMinute: number;
  netRequestsPerMinute: number;
  netBytesPerMinute: number;
  /** Desktop notifications reach the user directly: a handful at once, then one every few seconds. */
  notificationsPerMinute: number;
  notificationBurst: number;
}

/** Defaults meant to stop floods, not busy extensions (a normal one makes far fewer calls). */
export const DEFAULT_BUDGETS: Budgets = {
  hostCallsPerSecond: 10_000,
  fsBytesPerMinute: 512 * 1024 * 1024,
  netRequestsPerMinute: 600,
  netBytesPerMinute: 256 * 1024 * 1024,
  notificationsPerMinute: 20,
  notificationBurst: 5,
};

export interface BudgetMeter {
  call(): boolean;
  fsBytes(n: number): boolean;
  netRequest(): boolean;
  netBytes(n: number): boolean;
  notification(): boolean;
}

export function createBudgetMeter(b: Budgets, now?: () => number): BudgetMeter {
  const calls = createTokenBucket({ perSecond: b.hostCallsPerSecond, capacity: b.hostCallsPerSecond, now });
  const fsBytes = createTokenBucket({ perSecond: b.fsBytesPerMinute / 60, capacity: b.fsBytesPerMinute, now });
  const netReq = createTokenBucket({ perSecond: b.netRequestsPerMinute / 60, capacity: b.netRequestsPerMinute, now });
  const netBytes = createTokenBucket({ perSecond: b.netBytesPerMinute / 60, capacity: b.netBytesPerMinute, now });
  const notes = createTokenBucket({ perSecond: b.notificationsPerMinute / 60, capacity: b.notificationBurst, now });
  return {
    notification: () => notes.take(1),
    call: () => calls.take(1),
    fsBytes: (n) => fsBytes.take(n),
    netRequest: () => netReq.take(1),
    netBytes: (n) => netBytes.take(n),
  };
}
