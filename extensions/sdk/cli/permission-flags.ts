/**
 * Turns `warden run`'s permission flags into host services: who answers prompts (scripted
 * `--allow`/`--deny`, `--deny-all`, or the terminal with `--prompt`), the admin policy, the
 * picker and where notifications go.
 */
import readline from 'node:readline';
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
  pick: { type: 'string', multiple: true },
  policy: { type: 'string' },
} as const;

export interface PermissionFlags {
  allow?: string[];
  deny?: string[];
  'deny-all'?: boolean;
  prompt?: boolean;
  pick?: string[];
  policy?: string;
}

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stderr(text: string): void;
  stdinIsTTY: boolean;
}

function choosePrompter(flags: PermissionFlags, io: CliIo): Prompter {
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
    return createTerminalPrompter(io.stdin, {
      write: (t: string) => (io.stderr(t), true),
    } as unknown as NodeJS.WritableStream);
  return createDenyAllPrompter();
}

function choosePicker(flags: PermissionFlags, io: CliIo): Picker | undefined {
  const queue = [...(flags.pick ?? [])];
  if (queue.length > 0) return { pick: async () => (queue.length ? expandHome(queue.shift()!) : null) };
  if (!flags.prompt && !io.stdinIsTTY) return undefined;
  return {
    pick: ({ extensionName, kind, title }) =>
      new Promise((resolve) => {
        const rl = readline.createInterface({ input: io.stdin, terminal: false });
        io.stderr(
          `Warden: "${extensionName}" asks you to choose a ${kind}${title ? ` (${title})` : ''}. Path (empty to cancel):\n> `,
        );
        rl.once('line', (line) => {
          resolve(line.trim() ? path.resolve(expandHome(line.trim())) : null); // before close(), which answers null
          rl.close();
        });
        rl.once('close', () => resolve(null));
      }),
  };
}

export function servicesFromFlags(
  dataDir: string,
  flags: PermissionFlags,
  io: CliIo,
  /** Warden's own code (beyond the data folder), never reachable by extensions' fs calls. */
  protectedPaths: string[] = [],
): HostServices {
  let policy;
  const policyFile = flags.policy ? path.resolve(flags.policy) : servicePaths(dataDir).policy;
  try {
    policy = loadPolicyFile(policyFile);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  return createDefaultServices(dataDir, {
    prompter: choosePrompter(flags, io),
    policy,
    picker: choosePicker(flags, io),
    notifier: createStreamNotifier(io.stderr),
    protectedPaths: [policyFile, ...protectedPaths],
  });
}
