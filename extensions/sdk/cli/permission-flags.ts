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
  extensionForbidden,
  loadEffectivePolicy,
  PolicyError,
  createStreamNotifier,
  type EffectivePolicy,
  type Picker,
  type Policy,
} from '../../../electron/core';
import { CliError } from './usage';

export { PERMISSION_OPTIONS } from './command-options';

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
  /** The policy already read for this command (else read here). */
  effective: EffectivePolicy = policyFromFlags(dataDir, flags),
): HostServices & { closeInput(): void } {
  const { policy, files } = effective;
  // One reader of stdin for every prompt and pick of the run, made only when something asks.
  let source: LineSource | undefined;
  const lines = () => (source ??= createLineSource(io.stdin));
  const services = createDefaultServices(dataDir, {
    prompter: choosePrompter(flags, io, lines),
    promptTimeoutMs: promptTimeoutOf(flags),
    policy,
    picker: choosePicker(flags, io, lines),
    notifier: createStreamNotifier(io.stderr),
    protectedPaths: [...files, ...protectedPaths],
  });
  return { ...services, closeInput: () => source?.close() };
}

/**
 * The policy in force: the machine-wide file narrowed by `--policy <file>` (which must exist) or
 * `<data-dir>/policy.json`. A policy that exists but cannot be used is fatal (exit 2).
 */
export function policyFromFlags(dataDir: string, flags: Pick<PermissionFlags, 'policy'>): EffectivePolicy {
  const userFile = flags.policy ? path.resolve(flags.policy) : servicePaths(dataDir).policy;
  try {
    const effective = loadEffectivePolicy({ userFile, userExplicit: flags.policy !== undefined });
    // The per-user file is protected from extensions even while it does not exist.
    return { ...effective, files: [...new Set([...effective.files, userFile])] };
  } catch (err) {
    if (err instanceof PolicyError) throw new CliError(err.message);
    throw err;
  }
}

/** Refuses (exit 2) an extension the policy forbids outright, saying why. */
export function refuseForbidden(
  policy: Policy,
  ext: { manifest: { id: string; publisher: string }; publisherKey?: string },
): void {
  const why = extensionForbidden(policy, {
    extensionId: ext.manifest.id,
    publisher: ext.manifest.publisher,
    fingerprint: ext.publisherKey,
  });
  if (why) throw new CliError(why);
}
