/**
 * How an extension process is made, hidden behind one interface: `child_process` under plain
 * Node (tests, CLI, headless mode), `utilityProcess.fork` in the Electron app (electron/main).
 */
import type { HostMessage } from '../../common/protocol';

export interface LaunchSpec {
  /** Extension id, for process names (`ext:<id>`) and logs. */
  extensionId: string;
  /** V8 heap cap for the process. */
  memoryMb: number;
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

export type ChannelViolation = { kind: 'oversize'; bytes: number } | { kind: 'undecodable' };

export interface ExtensionChild {
  readonly pid: number | undefined;
  /** Messages decoded from the channel, not yet validated: the receiver checks them. */
  onMessage(listener: (message: unknown) => void): void;
  onViolation(listener: (violation: ChannelViolation) => void): void;
  /** Text the process printed on stdout/stderr (Node's own fatal errors land here). */
  onOutput(listener: (line: string) => void): void;
  onExit(listener: (info: ExitInfo) => void): void;
  send(message: HostMessage): void;
  /** Forced kill (SIGKILL or the platform equivalent). */
  kill(): void;
}

export interface Launcher {
  launch(spec: LaunchSpec): ExtensionChild;
}
