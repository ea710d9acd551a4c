/**
 * `warden/testing`: run an extension in the real Warden sandbox from a test (vitest, node:test,
 * jest, a script), with scripted permission answers. No Electron needed.
 *
 *     import { startExtension } from 'warden/testing';
 *     const ext = await startExtension('.', { allow: ['fs.read=~/Documents'] });
 *     try {
 *       expect(await ext.run('notes.count', { folder: '~/Documents' })).toEqual(…);
 *       expect(ext.prompts).toEqual([{ capability: 'fs.read', target: '~/Documents', answer: 'allow' }]);
 *     } finally {
 *       await ext.stop();
 *     }
 */
import type { Capability, CommandResult, DataValue, WardenErrorCode } from './api';

export interface TestHostOptions {
  /**
   * Prompts to answer "allow", in `warden run --allow` syntax: `fs.read=~/Documents` (the folder
   * and everything in it), `fs.write=/tmp/out/*.txt`, `net=https://api.example.com`,
   * `secrets=API_TOKEN`, `notifications`. Anything not allowed is denied.
   */
  allow?: string[];
  /** Prompts to answer "deny" (a matching deny wins over a matching allow). */
  deny?: string[];
  /** Answers for host.fs.pickFile / pickDirectory, in order; afterwards the user cancels. */
  picks?: string[];
  /** Secret values the user has set, by declared name. */
  secrets?: Record<string, string>;
  /** Overrides of the manifest's limits. */
  limits?: { memoryMb?: number; cpuPercent?: number; callTimeoutMs?: number; storageMb?: number };
  /** An administrator policy (the content of a policy.json). */
  policy?: unknown;
  /** Run `warden build` first (default: true when the folder has `src/`). */
  build?: boolean;
  /** Warden's data folder for this run (default: a new temporary folder, removed by stop()). */
  dataDir?: string;
  /** Called with every log line (console.*, host.log.*) as it arrives. */
  onLog?(entry: TestLogEntry): void;
  /**
   * A fake clock: the extension's Date, performance.now() and timers start at this time (ms since
   * the epoch, or a Date) and move only by advanceClock().
   */
  clock?: number | Date;
}

export interface TestLogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  text: string;
}

export interface TestPrompt {
  capability: Capability;
  /** As the user would read it: `~/Documents/a.txt`, a URL, a secret name. */
  target: string;
  reason?: string;
  answer: 'allow' | 'deny';
}

export interface TestNotification {
  message: string;
  level: 'info' | 'warning' | 'error';
}

/** What `run` rejects with when a command fails. */
export interface CommandError extends Error {
  /** A host code, or `EEXTENSION` when the extension's own code threw. */
  code: WardenErrorCode | 'EEXTENSION';
  reason?: 'undeclared' | 'denied' | 'policy' | 'timeout';
  /** Where the extension threw: `src/extension.ts:9:5` with a source map. */
  location?: string;
}

export interface AuditRecord {
  time: number;
  ext: string;
  kind: string;
  capability?: string;
  target?: string;
  decision?: string;
  reason?: string;
  via?: string;
  method?: string;
  bytes?: number;
  detail?: string;
}

export interface ExtensionUnderTest {
  readonly id: string;
  readonly dataDir: string;
  /** Runs a command: resolves with its result, rejects with a `CommandError`. */
  run(command: string, args?: Record<string, DataValue>, options?: { timeoutMs?: number }): Promise<CommandResult>;
  /** Adds an answer rule for later prompts. */
  allow(rule: string): void;
  deny(rule: string): void;
  readonly prompts: readonly TestPrompt[];
  readonly logs: readonly TestLogEntry[];
  readonly notifications: readonly TestNotification[];
  /** The extension's private storage (what host.storage holds), read from disk. */
  readonly storage: { get(key: string): Promise<DataValue | undefined>; keys(): Promise<string[]> };
  /** This extension's audit records: permission decisions and mediated operations. */
  audit(): AuditRecord[];
  /**
   * With the `clock` option: moves the extension's clock forward; timers that fall due run in
   * order. Their effects are seen by the next `run()`.
   */
  advanceClock(ms: number): void;
  /** The process state: idle, starting, running, stopped, crashed, failed, quarantined… */
  state(): string;
  /** Stops the extension (deactivate() runs) and removes the temporary data folder. */
  stop(): Promise<void>;
}

/** Builds (when it has src/), loads and adds the extension; it starts on the first `run`. */
export function startExtension(dir: string, options?: TestHostOptions): Promise<ExtensionUnderTest>;
