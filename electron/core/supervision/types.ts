/** The supervisor's public types, and the per-extension record its parts share. */
import type { ApiDeprecation } from '../../common/api-deprecations';
import type { PythonSnapshotOptions } from './python-snapshot-store';
import type { WallStatus } from '../../common/wall';
import type { Finding } from '../behaviour/types';
import type { CommandResult } from '../../common/command-result';
import type { Launcher } from '../process/launcher';
import type { Logger } from '../platform/logger';
import type { ExtensionProcess, ProcessStats, ProcessTimeouts } from '../process/extension-process';
import type { LoadedExtension } from './extension-loader';
import type { HostServices } from '../host-api/services';
import type { HostCallHandler } from '../process/extension-process';
import type { ExtensionContext } from '../host-api/context';
import type { ProcSampler } from '../governance/proc-stats';
import type { QuarantineEntry, StrikeBook } from '../governance/strikes';
import type { CallClocks } from './call-clocks';
import type { MetricsStore } from '../governance/metrics';
import type { BudgetKey } from '../../common/limits';
import type { GovernorEvent, GovernorTiming } from '../governance/governor';

export type ExtensionState = 'idle' | 'starting' | 'running' | 'stopping' | 'crashed' | 'failed' | 'quarantined';

export interface ExtensionStatus {
  id: string;
  state: ExtensionState;
  /** Consecutive crashes (reset after a stable run); drives the restart backoff. */
  crashes: number;
  restarts: number;
  lastExit?: { reason: string; at: number; expected: boolean };
  stats?: Readonly<ProcessStats>;
  strikes: Array<{ at: number; reason: string }>;
  quarantine?: QuarantineEntry;
  /** What confines its processes besides SES (the launcher's wall; docs/os-wall.md). */
  wall: WallStatus;
  /** Deprecated host calls it has made since it was added. */
  deprecatedCalls?: ApiDeprecation[];
}

export type SupervisorEvent =
  | { type: 'state'; id: string; state: ExtensionState; reason?: string }
  | { type: 'exit'; id: string; expected: boolean; reason: string }
  | { type: 'strike'; id: string; reason: string }
  | { type: 'quarantine'; id: string; reason: string }
  | { type: 'resource'; id: string; event: GovernorEvent };

export interface RestartPolicy {
  baseMs: number;
  maxMs: number;
  /** A run longer than this resets the crash streak. */
  stableMs: number;
}

export interface SupervisorOptions {
  /** A behaviour deviation was contained (stopped + quarantined): the host may roll an update back. */
  onContained?(id: string, finding: Finding): void;
  launcher: Launcher;
  dataDir: string;
  logger?: Logger;
  timeouts?: Partial<ProcessTimeouts>;
  restart?: Partial<RestartPolicy>;
  /** Broker, gateways, secrets, notifier, picker; defaults deny every prompt. */
  services?: HostServices;
  governance?: GovernanceOptions;
  /**
   * Test hosts only (`warden/testing`): every extension's Date, performance and timers run on a
   * virtual clock starting here, moved by `advanceClock`. Never set by the app or the CLI.
   */
  clock?: { startMs: number };
  /** Python extensions: where the runtime's memory snapshot is made and kept (docs/python.md). */
  pythonSnapshot?: PythonSnapshotOptions;
}

export interface GovernanceOptions {
  /** OS readings of a child (default: /proc on Linux); null turns memory/CPU watching off. */
  sample?: ProcSampler | null;
  strikes?: StrikeBook;
  /** Host-wide ceilings on the I/O budgets (an admin policy's `limits` lower them further). */
  budgetCeilings?: Partial<Record<BudgetKey, number>>;
  timing?: Partial<GovernorTiming>;
  /**
   * Resident memory allowed above `limits.memoryMb` while the process starts, before its
   * baseline is measured (then the limit is `memoryMb` above that baseline).
   */
  rssOverheadMb?: number;
  metricsIntervalMs?: number;
}

export interface InvokeOptions {
  signal?: AbortSignal;
  onProgress?(fraction: number | null, message?: string): void;
  /** Overrides the manifest's `limits.callTimeoutMs`. */
  timeoutMs?: number;
}

export interface Supervisor {
  add(extension: LoadedExtension): void;
  /** Stops the extension (if running) and forgets it: after uninstall, or before re-adding a new version. */
  remove(id: string): Promise<void>;
  invoke(id: string, command: string, args?: unknown, options?: InvokeOptions): Promise<CommandResult>;
  start(id: string): Promise<void>;
  stop(id: string): Promise<void>;
  stopAll(): Promise<void>;
  status(id: string): ExtensionStatus;
  list(): ExtensionStatus[];
  onEvent(listener: (e: SupervisorEvent) => void): () => void;
  /** Lets a quarantined extension run again. */
  release(id: string): boolean;
  /** With `options.clock`: moves the extension's virtual clock (kept across restarts). */
  advanceClock(id: string, ms: number): void;
  readonly metrics: MetricsStore;
  /** Stops sampling metrics (after stopAll, for a host that is shutting down). */
  close(): void;
}

/** One extension the supervisor knows: its context, its process (if any) and its run history. */
export interface Entry {
  ext: LoadedExtension;
  context: ExtensionContext;
  handleCall: HostCallHandler;
  /** Its command calls' timeout clocks, held while a permission prompt waits for the user. */
  calls: CallClocks;
  proc?: ExtensionProcess;
  starting?: Promise<ExtensionProcess>;
  /** While starting: resolves once its process exists (before it is ready), for the first command. */
  launched?: Promise<ExtensionProcess>;
  state: ExtensionState;
  crashes: number;
  restarts: number;
  lastCrashAt: number;
  startedAt: number;
  restartTimer?: NodeJS.Timeout;
  lastExit?: ExtensionStatus['lastExit'];
  stopping: boolean;
  lastSample?: { at: number; commands: number; hostCalls: number; fsBytes: number; netBytes: number };
  violations: number[];
}
