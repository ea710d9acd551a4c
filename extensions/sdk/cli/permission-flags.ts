/**
 * Turns `warden run`'s permission flags into host services: who answers prompts (scripted
 * `--allow`/`--deny`, `--deny-all`, or the terminal with `--prompt`), the admin policy, the
 * picker and where notifications go.
 */
import path from 'node:path';
import {
  createDefaultServices,
  servicePaths,
  type HostServices,
  createDenyAllPrompter,
  createScriptedPrompter,
  parseScriptedRule,
  type Prompter,
  type ScriptedRule,
  createTerminalPrompter,
  createLineSource,
  type LineSource,
  targetMatches,
  expandHome,
  loadPolicyFile,
  createStreamNotifier,
  type Picker,
} from '../../../electron/core';
import { CliError } from './usage';

export const PERMISSION_OPTIONS = {
  allow: { type: 'string', multiple: true },
  deny: { type: 'string', multiple: true },
  'deny-all': { type: 'boolean', default: false },
  prompt: { type: 'boolean', default: false },
  'prompt-timeout': { type: 'string' },
  pick: { type: 'string', multiple: true },
  policy: { type: 'string' },
} as const;

export interface PermissionFlags {
  allow?: string[];
  deny?: string[];
  'deny-all'?: boolean;
  prompt?: boolean;
  'prompt-timeout'?: string;
  pick?: string[];
  policy?: string;
}

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stderr(text: string): void;
  stdinIsTTY: boolean;
}

/** The prompt timeout in ms from `--prompt-timeout <seconds>` (default: the broker's 60 s). */
export function promptTimeoutOf(flags: PermissionFlags): number | undefined {
  const text = flags['prompt-timeout'];
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!text.trim() || !Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400)
    throw new CliError(`--prompt-timeout expects a number of seconds (0 < s ≤ 86400), got "${text}"`);
  return Math.round(seconds * 1000);
}

function choosePrompter(flags: PermissionFlags, io: CliIo, lines: () => LineSource): Prompter {
  const rules: ScriptedRule[] = [];
  for (const [list, answer] of [
    [flags.allow ?? [], 'allow'],
    [flags.deny ?? [], 'deny'],
  ] as const) {
    for (const text of list) {
      const rule = parseScriptedRule(text, answer);
      if (!rule)
        throw new CliError(
          `--${answer} ${text}: expected <capability>=<target>, e.g. fs.read=~/Documents or net=https://api.example.com`,
        );
      rules.push(rule);
    }
  }
  const modes = [flags['deny-all'], flags.prompt, rules.length > 0].filter(Boolean).length;
  if (modes > 1) throw new CliError('use one of --allow/--deny, --deny-all or --prompt');
  if (flags['deny-all']) return createDenyAllPrompter();
  if (rules.length > 0)
    return createScriptedPrompter(rules, (cap, pattern, target) => targetMatches(cap, pattern, target));
  // Ask in the terminal when there is one (or when asked to); otherwise nobody can answer: deny.
  if (flags.prompt || io.stdinIsTTY)
    return createTerminalPrompter(lines(), {
      write: (t: string) => (io.stderr(t), true),
    } as unknown as NodeJS.WritableStream);
  return createDenyAllPrompter();
}

function choosePicker(flags: PermissionFlags, io: CliIo, lines: () => LineSource): Picker | undefined {
  const queue = [...(flags.pick ?? [])];
  if (queue.length > 0) return { pick: async () => (queue.length ? expandHome(queue.shift()!) : null) };
  if (!flags.prompt && !io.stdinIsTTY) return undefined;
  return {
    pick: async ({ extensionName, kind, title }) => {
      io.stderr(
        `Warden: "${extensionName}" asks you to choose a ${kind}${title ? ` (${title})` : ''}. Path (empty to cancel):\n> `,
      );
      const line = (await lines().next())?.trim();
      return line ? path.resolve(expandHome(line)) : null;
    },
  };
}

export function servicesFromFlags(
  dataDir: string,
  flags: PermissionFlags,
  io: CliIo,
  /** Warden's own code (beyond the data folder), never reachable by extensions' fs calls. */
  protectedPaths: string[] = [],
): HostServices & { closeInput(): void } {
  // One reader of stdin for every prompt and pick of the run, made only when something asks.
  let source: LineSource | undefined;
  const lines = () => (source ??= createLineSource(io.stdin));
  let policy;
  const policyFile = flags.policy ? path.resolve(flags.policy) : servicePaths(dataDir).policy;
  try {
    policy = loadPolicyFile(policyFile);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const services = createDefaultServices(dataDir, {
    prompter: choosePrompter(flags, io, lines),
    promptTimeoutMs: promptTimeoutOf(flags),
    policy,
    picker: choosePicker(flags, io, lines),
    notifier: createStreamNotifier(io.stderr),
    protectedPaths: [policyFile, ...protectedPaths],
  });
  return { ...services, closeInput: () => source?.close() };
}
