/**
 * How an extension process is made, hidden behind one interface: `child_process` under plain
 * Node (tests, CLI, headless mode), `utilityProcess.fork` in the Electron app (electron/main).
 */
import type { HostMessage } from '../../common/protocol';
import type { WallStatus } from '../../common/wall';

export interface LaunchSpec {
  /** Extension id, for process names (`ext:<id>`) and logs. */
  extensionId: string;
  /** V8 heap cap for the process. */
  memoryMb: number;
  /** A Python extension on the host's own runtime: a Python-ready warm spare may serve it. */
  runtime?: 'python';
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

export type ChannelViolation =
  | { kind: 'oversize'; bytes: number; type?: string }
  | { kind: 'undecodable' }
  /** Refused by the pre-scan before it was decoded (too many values, too deep, a foreign kind). */
  | { kind: 'over-budget'; type: string; problem: string };

/** The state of the bytes queued to a process (transports that can tell). */
export interface OutboundState {
  /** Bytes written to the channel and not yet taken by the process. */
  queuedBytes: number;
  /** How long bytes have been waiting with none of them taken (ms); 0 when nothing waits. */
  stalledMs: number;
}

export interface ExtensionChild {
  readonly pid: number | undefined;
  /** Messages decoded from the channel, not yet validated: the receiver checks them. */
  onMessage(listener: (message: unknown) => void): void;
  onViolation(listener: (violation: ChannelViolation) => void): void;
  /** Text the process printed on stdout/stderr (Node's own fatal errors land here). */
  onOutput(listener: (line: string) => void): void;
  onExit(listener: (info: ExitInfo) => void): void;
  /**
   * `onFlushed` runs once the message has left the host (taken by the process's end of the
   * channel, or the channel is gone).
   */
  send(message: HostMessage, onFlushed?: () => void): void;
  /** Absent where the transport does not say (Electron's utilityProcess posts and forgets). */
  outbound?(): OutboundState;
  /** Forced kill (SIGKILL or the platform equivalent). */
  kill(): void;
}

export interface Launcher {
  launch(spec: LaunchSpec): ExtensionChild;
  /** A hint that an extension of this spec was loaded and may start (a warm pool readies a spare). */
  prepare?(spec: LaunchSpec): void;
  /** The walls around every process it starts besides SES; absent means SES only. */
  readonly wall?: WallStatus;
}
