/** The `warden` command line: dispatches sub-commands and turns every failure into one line. */
import { COMMAND_HELP, EXIT_OK, EXIT_USAGE, USAGE } from './usage';
import type { CliContext } from './context';
import { WARDEN_API_VERSION, WARDEN_VERSION } from '../../../electron/common/version';
import { dispatch, type Command } from './dispatch';
import { runWithSpare } from './run-command';

/**
 * Each command's code is loaded when it runs, not before: the CLI is bundled as ES modules split
 * per command (scripts/build.mjs), so `warden --version` or `warden list` does not pay for the
 * supervisor, the bundler or the web server.
 */
const PACKAGE_COMMAND_NAMES = [
  'keygen',
  'pack',
  'verify',
  'install',
  'update',
  'approve',
  'rollback',
  'uninstall',
  'list',
  'catalog',
  'search',
] as const;
const fromPackages = (name: string) => async (): Promise<Command> => {
  const { PACKAGE_COMMANDS } = await import('./package-commands');
  const c = PACKAGE_COMMANDS.find(([n]) => n === name)?.[1];
  if (!c) throw new Error(`package command ${name} is missing`);
  return c;
};
const COMMANDS: ReadonlyMap<string, () => Promise<Command>> = new Map<string, () => Promise<Command>>([
  ['init', async () => (await import('./init')).initCommand],
  ['run', async () => runWithSpare],
  ['build', async () => (await import('./build')).buildCommand],
  ['validate', async () => (await import('./validate')).validateCommand],
  ['grants', async () => (await import('./admin-commands')).grantsCommand],
  ['audit', async () => (await import('./admin-commands')).auditCommand],
  ['secrets', async () => (await import('./admin-commands')).secretsCommand],
  ['quarantine', async () => (await import('./admin-commands')).quarantineCommand],
  [
    'release',
    async () => {
      const { quarantineCommand } = await import('./admin-commands');
      return (argv, ctx) => quarantineCommand(['release', ...argv], ctx);
    },
  ],
  ['top', async () => (await import('./top')).topCommand],
  ['dev', async () => (await import('./dev')).devCommand],
  ['anomalies', async () => (await import('./anomalies')).anomaliesCommand],
  ['serve', async () => (await import('./serve')).serveCommand],
  ['advisories', async () => (await import('./advisories')).advisoriesCommand],
  ...PACKAGE_COMMAND_NAMES.map((n): [string, () => Promise<Command>] => [n, fromPackages(n)]),
]);

/** The commands `warden` knows (for tests: each has options, help and docs, and loads). */
export const COMMAND_NAMES: readonly string[] = [...COMMANDS.keys()];
export const loadCommand = (name: string): Promise<Command> | undefined => COMMANDS.get(name)?.();

export async function main(argv: string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    // `warden help <command>` is the same as `warden <command> --help`.
    const topic =
      name === 'help' && rest[0] !== undefined && Object.hasOwn(COMMAND_HELP, rest[0])
        ? COMMAND_HELP[rest[0]]
        : undefined;
    ctx.stdout(`${topic ?? USAGE}\n`);
    return name ? EXIT_OK : EXIT_USAGE;
  }
  if (name === 'version' || name === '--version') {
    ctx.stdout(`warden ${WARDEN_VERSION} (extension API ${WARDEN_API_VERSION})\n`);
    return EXIT_OK;
  }
  return dispatch(name, rest, ctx, COMMANDS.get(name));
}
