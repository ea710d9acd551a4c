/** Shared by the host's snapshot builder and the snapshot's entry (sandbox/snapshot-entry.ts). */

/** Argument that makes a process started from a new blob report on it and exit. */
export const SNAPSHOT_PROBE_FLAG = '--snapshot-probe';
/** What a good blob's probe prints: it started, its realm is locked, change-array-by-copy works. */
export const SNAPSHOT_PROBE_OK = 'warden-snapshot-ok';
