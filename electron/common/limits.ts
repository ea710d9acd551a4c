/** Resource limits: defaults for a manifest that says nothing, and host maxima it cannot exceed. */

export interface ResolvedLimits {
  memoryMb: number;
  cpuPercent: number;
  callTimeoutMs: number;
  storageMb: number;
}

export const DEFAULT_LIMITS: ResolvedLimits = {
  memoryMb: 128,
  cpuPercent: 50,
  callTimeoutMs: 30_000,
  storageMb: 5,
};

/** Hard ceilings: a manifest asking for more is invalid rather than silently clamped. */
export const MAX_LIMITS: ResolvedLimits = {
  memoryMb: 2048,
  cpuPercent: 100,
  callTimeoutMs: 10 * 60_000,
  storageMb: 1024,
};

export const MIN_LIMITS: ResolvedLimits = {
  memoryMb: 16,
  cpuPercent: 1,
  callTimeoutMs: 10,
  storageMb: 0,
};
