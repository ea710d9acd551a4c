/**
 * `warden/testing`: a test host for extension authors. It starts an extension in the real sandbox
 * (a real child process, SES, the real broker and gateways — no Electron, no mocks of Warden), lets
 * a test call its commands, script the user's answers per capability and target, override its
 * limits, read its storage, logs, prompts and audit records, and then stops it. Works from vitest,
 * node:test, jest or a plain script. Built into dist/testing/index.cjs; types in
 * extensions/sdk/testing.d.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WardenError } from '../../../electron/common/errors';
import type { Capability } from '../../../electron/common/protocol';
import type { CommandResult } from '../../../electron/common/command-result';
import type { DataValue } from '../../../electron/common/data-value';
import {
  createAuditLog,
  createDefaultServices,
  createFileSecretStore,
  createForkLauncher,
  createLogger,
  createPrivateData,
  createSupervisor,
  expandHome,
  loadExtensionFolder,
  parsePolicy,
  parseScriptedRule,
  servicePaths,
  targetMatches,
  type AuditRecord,
  type LoadedExtension,
  type LogEntry,
  type Prompter,
  type ScriptedRule,
} from '../../../electron/core';
import { DEFAULT_LIMITS, type ResolvedLimits } from '../../../electron/common/limits';
import { buildExtension } from '../cli/build';

export interface TestHostOptions {
  /** Prompts to answer "allow", as `warden run --allow`: `fs.read=~/Documents`, `net=https://x.test`, `secrets=TOKEN`, `notifications`. */
  allow?: string[];
  /** Prompts to answer "deny" (a matching deny wins over an allow). Anything not allowed is denied. */
  deny?: string[];
  /** Answers for host.fs.pickFile/pickDirectory, in order (then: cancelled). */
  picks?: string[];
  /** Secret values the user has set, by declared name. */
  secrets?: Record<string, string>;
  /** Overrides of the manifest's limits (memoryMb, cpuPercent, callTimeoutMs, storageMb). */
  limits?: Partial<ResolvedLimits>;
  /** An administrator policy (the policy.json object). */
  policy?: unknown;
  /** Build src/ with `warden build` first (default: true when the folder has a src/ folder). */
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

export interface TestNotification {
  message: string;
  level: 'info' | 'warning' | 'error';
}

export interface TestPrompt {
  capability: Capability;
  /** As the user would read it (`~/Documents/a.txt`, a URL, a secret name). */
  target: string;
  reason?: string;
  answer: 'allow' | 'deny';
}

export interface ExtensionUnderTest {
  readonly id: string;
  readonly dataDir: string;
  /** Runs a command; resolves with its result or rejects with an Error carrying `code` (and `location`). */
  run(command: string, args?: Record<string, DataValue>, options?: { timeoutMs?: number }): Promise<CommandResult>;
  /** Adds an answer rule for later prompts. */
  allow(rule: string): void;
  deny(rule: string): void;
  /** Every prompt so far, with the scripted answer. */
  readonly prompts: readonly TestPrompt[];
  /** Every log line so far. */
  readonly logs: readonly TestLogEntry[];
  /** Every notification shown (host.ui.notify). */
  readonly notifications: readonly TestNotification[];
  /** The extension's private storage (what host.storage holds), read from disk. */
  readonly storage: { get(key: string): Promise<DataValue | undefined>; keys(): Promise<string[]> };
  /** The audit records of this extension: decisions and mediated operations. */
  audit(): AuditRecord[];
  /**
   * With options.clock: moves the extension's clock forward; timers that fall due run in order.
   * Their effects are seen by the next run() (messages to the extension are handled in order).
   */
  advanceClock(ms: number): void;
  /** Process state: starting, running, idle, stopped, crashed, quarantined… */
  state(): string;
  /** Stops the extension (deactivate() runs) and removes the temporary data folder. */
  stop(): Promise<void>;
}

const BOOTSTRAP = path.join(__dirname, '..', 'sandbox', 'bootstrap.cjs');

function rulesFrom(texts: string[] | undefined, answer: 'allow' | 'deny'): ScriptedRule[] {
  return (texts ?? []).map((text) => {
    const rule = parseScriptedRule(text, answer);
    if (!rule) throw new TypeError(`warden/testing: ${answer} "${text}": expected <capability>=<target>`);
    return rule;
  });
}

export async function startExtension(dir: string, options: TestHostOptions = {}): Promise<ExtensionUnderTest> {
  const folder = path.resolve(dir);
  if (options.build ?? fs.existsSync(path.join(folder, 'src'))) await buildExtension(folder);
  const loaded = await loadExtensionFolder(folder);
  if (!loaded.ok) throw new Error(`warden/testing: invalid extension: ${loaded.errors.join('; ')}`);
  const ext: LoadedExtension = {
    ...loaded.extension,
    unsigned: true,
    manifest: { ...loaded.extension.manifest, limits: { ...loaded.extension.manifest.limits, ...options.limits } },
  };
  const id = ext.manifest.id;
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'warden-testing-'));

  const rules = [...rulesFrom(options.allow, 'allow'), ...rulesFrom(options.deny, 'deny')];
  const prompts: TestPrompt[] = [];
  const logs: TestLogEntry[] = [];
  const prompter: Prompter = {
    async prompt(request) {
      const hits = rules.filter(
        (r) =>
          r.capability === request.capability &&
          (r.pattern === '*' || targetMatches(request.capability, r.pattern, request.canonicalTarget)),
      );
      const answer = hits.length > 0 && !hits.some((r) => r.answer === 'deny') ? 'allow' : 'deny';
      prompts.push({
        capability: request.capability,
        target: request.target,
        ...(request.reason ? { reason: request.reason } : {}),
        answer,
      });
      return { kind: answer === 'allow' ? 'allow-once' : 'deny' };
    },
  };
  const picks = [...(options.picks ?? [])];
  const notifications: TestNotification[] = [];
  let policy;
  if (options.policy !== undefined) {
    const parsed = parsePolicy(options.policy);
    if (!parsed.ok) throw new TypeError(`warden/testing: policy: ${parsed.errors.join('; ')}`);
    policy = parsed.policy;
  }
  const services = createDefaultServices(dataDir, {
    prompter,
    ...(policy ? { policy } : {}),
    picker: { pick: async () => (picks.length ? path.resolve(expandHome(picks.shift()!)) : null) },
    notifier: {
      notify: async (_name, message, level) => {
        notifications.push({ message, level });
      },
    },
    protectedPaths: [path.resolve(BOOTSTRAP, '..', '..', '..')],
  });
  const secrets = createFileSecretStore(servicePaths(dataDir).secrets);
  for (const [name, value] of Object.entries(options.secrets ?? {})) await secrets.set(id, name, value);

  const onLogEntry = (e: LogEntry) => {
    if (e.source !== 'extension') return;
    const entry = { level: e.level, text: e.msg };
    logs.push(entry);
    options.onLog?.(entry);
  };
  const supervisor = createSupervisor({
    services,
    launcher: createForkLauncher({
      bootstrapPath: BOOTSTRAP,
      codeCacheDir: path.join(os.tmpdir(), 'warden-testing-v8'),
    }),
    dataDir,
    logger: createLogger(onLogEntry),
    ...(options.clock !== undefined ? { clock: { startMs: Number(options.clock) } } : {}),
  });
  supervisor.add(ext);
  const storageMb = ext.manifest.limits.storageMb ?? DEFAULT_LIMITS.storageMb;
  const audit = createAuditLog({ file: servicePaths(dataDir).audit });
  let stopped = false;

  return {
    id,
    dataDir,
    async run(command, args = {}, runOptions = {}) {
      if (stopped) throw new Error('warden/testing: the extension was stopped');
      return supervisor.invoke(id, command, args, runOptions.timeoutMs ? { timeoutMs: runOptions.timeoutMs } : {});
    },
    allow: (rule) => void rules.push(...rulesFrom([rule], 'allow')),
    deny: (rule) => void rules.push(...rulesFrom([rule], 'deny')),
    prompts,
    logs,
    notifications,
    storage: {
      // A fresh reader each time: the host process wrote the file, this reads what is on disk.
      get: (key) => createPrivateData(dataDir, id, storageMb).storage.get(key),
      keys: () => createPrivateData(dataDir, id, storageMb).storage.keys(),
    },
    audit: () => audit.read({ extensionId: id }),
    advanceClock(ms) {
      if (options.clock === undefined) throw new Error('warden/testing: advanceClock needs the clock option');
      supervisor.advanceClock(id, ms);
    },
    state: () => supervisor.status(id).state,
    async stop() {
      if (stopped) return;
      stopped = true;
      await supervisor.stopAll();
      supervisor.close();
      if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export { WardenError };
