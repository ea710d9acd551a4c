/** Resource limits: defaults for a manifest that says nothing, and host maxima it cannot exceed. */

export interface ResolvedLimits {
  /** Memory the extension may add above its sandbox's own start-up footprint (heap + buffers). */
  memoryMb: number;
  cpuPercent: number;
  callTimeoutMs: number;
  storageMb: number;
  /** Calls to `host.*` (any method). */
  hostCallsPerSecond: number;
  /** `host.net.fetch` requests. */
  netRequestsPerMinute: number;
  /** Bytes sent and received by `host.net.fetch` (request and response bodies). */
  netMbPerMinute: number;
  /** Bytes read and written through files (private and user), storage and secrets. */
  fsMbPerMinute: number;
}

/** The I/O budgets among the limits: settable in a manifest, and an admin policy may lower them. */
export const BUDGET_KEYS = ['hostCallsPerSecond', 'netRequestsPerMinute', 'netMbPerMinute', 'fsMbPerMinute'] as const;
export type BudgetKey = (typeof BUDGET_KEYS)[number];

export const DEFAULT_LIMITS: ResolvedLimits = {
  memoryMb: 128,
  cpuPercent: 50,
  callTimeoutMs: 30_000,
  storageMb: 5,
  // Meant to stop floods, not busy extensions (a normal one makes far fewer calls).
  hostCallsPerSecond: 10_000,
  netRequestsPerMinute: 600,
  netMbPerMinute: 256,
  fsMbPerMinute: 512,
};

/** Hard ceilings: a manifest asking for more is invalid rather than silently clamped. */
export const MAX_LIMITS: ResolvedLimits = {
  memoryMb: 2048,
  cpuPercent: 100,
  callTimeoutMs: 10 * 60_000,
  storageMb: 1024,
  hostCallsPerSecond: 10_000,
  netRequestsPerMinute: 6_000,
  netMbPerMinute: 2_048,
  fsMbPerMinute: 4_096,
};

export const MIN_LIMITS: ResolvedLimits = {
  memoryMb: 16,
  cpuPercent: 1,
  callTimeoutMs: 10,
  storageMb: 0,
  hostCallsPerSecond: 1,
  netRequestsPerMinute: 1,
  netMbPerMinute: 1,
  fsMbPerMinute: 1,
};
