/** The options, stats and errors of an extension process (extension-process.ts owns the process). */
import type { SourceMapData } from '../../common/source-map';
import type { HostMethod, InitMessage } from '../../common/protocol';
import { WardenError, type ErrorData } from '../../common/errors';
import type { DataValue } from '../../common/data-value';
import type { ExitInfo, Launcher } from './launcher';
import type { Logger } from '../platform/logger';
import type { GovernorEvent, GovernorLimits, GovernorTiming } from '../governance/governor';
import type { ProcSampler } from '../governance/proc-stats';

export interface ProcessTimeouts {
  /** Launch → `ready` (lockdown, evaluate, activate). */
  startMs: number;
  /** `stop` → `stopped` before the forced kill. */
  stopMs: number;
  heartbeatMs: number;
  /** No heartbeat for this long → the event loop is blocked → kill. */
  hangMs: number;
}

export const DEFAULT_TIMEOUTS: ProcessTimeouts = { startMs: 10_000, stopMs: 3_000, heartbeatMs: 250, hangMs: 5_000 };

export interface ProcessStats {
  pid: number | undefined;
  startedAt: number;
  /** OS readings (0 until the first sample, or where the platform gives none). */
  cpuPercent: number;
  rssBytes: number;
  throttled: boolean;
  /** Resident size when the sandbox came up (0 until measured): `limits.memoryMb` counts above it. */
  memoryBaselineBytes: number;
  sampled: boolean;
  commands: number;
  violations: number;
  messages: number;
  /** Well-formed messages dropped for exceeding the rate the host accepts. */
  dropped: number;
  hostCalls: number;
  heapUsed: number;
  timers: number;
  lastHeartbeat: number;
}

export type HostCallHandler = (method: HostMethod, args: unknown[]) => Promise<DataValue | undefined>;

export interface ExtensionProcessOptions {
  launcher: Launcher;
  extension: { id: string; version: string; name: string; commands: string[] };
  source: string;
  sourceUrl: string;
  /** The bundle's source map (host-read, bounded): the sandbox names source lines through it. */
  sourceMap?: SourceMapData;
  /** Test hosts only: the guest's clock starts here and moves only by advanceClock(). */
  clock?: { startMs: number };
  /** Python extensions only: passed on as `init.python` (docs/python.md). */
  python?: InitMessage['python'];
  memoryMb: number;
  timeouts: ProcessTimeouts;
  handleCall: HostCallHandler;
  logger: Logger;
  /** Called once when the process is gone; `expected` is false for crashes and kills. */
  onExit(outcome: ProcessExit): void;
  maxViolations?: number;
  maxPendingHostCalls?: number;
  /** Resource limits watched from outside the process (memory, CPU). */
  governor?: {
    sample: ProcSampler;
    limits: GovernorLimits;
    timing?: Partial<GovernorTiming>;
    onEvent?(e: GovernorEvent): void;
  };
  /** Commands of this extension running at once; more are refused with ERATE. */
  maxPendingInvokes?: number;
}

export interface ProcessExit {
  expected: boolean;
  reason: string;
  info: ExitInfo;
}

export interface InvokeOptions {
  /** Absent: the caller bounds the call with `signal` (whose WardenError reason it rejects with). */
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?(fraction: number | null, message?: string): void;
}

/** A start failure reported by the sandbox; `syntax` lets callers locate the error in the file. */
export class LoadError extends WardenError {
  constructor(
    data: ErrorData,
    readonly phase: 'evaluate' | 'activate',
    readonly syntax: boolean,
  ) {
    super(data.code, data.message, { reason: data.reason, location: data.location, stack: data.stack });
  }
}
