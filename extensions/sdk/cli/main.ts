/** The `warden` command line: dispatches sub-commands and turns every failure into one line. */
import { asksForHelp, CliError, COMMAND_HELP, EXIT_FAILED, EXIT_OK, EXIT_USAGE, USAGE } from './usage';
import type { CliContext } from './context';
import { WARDEN_API_VERSION, WARDEN_VERSION } from '../../../electron/common/version';

type Command = (argv: string[], ctx: CliContext) => Promise<number>;

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
  [
    'run',
    async () => async (argv, ctx) => {
      // The sandbox process starts while run.ts and the core load (run-spare.ts).
      const launcher = (await import('./run-spare')).startRunLauncher(argv, ctx);
      try {
        return await (await import('./run')).runCommand(argv, ctx, launcher);
      } finally {
        launcher?.close();
      }
    },
  ],
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
  const load = COMMANDS.get(name);
  const help = Object.hasOwn(COMMAND_HELP, name) ? COMMAND_HELP[name] : undefined;
  if (load && help && asksForHelp(rest)) {
    ctx.stdout(`${help}\n`);
    return EXIT_OK;
  }
  try {
    if (!load) throw new CliError(`unknown command "${name}" (try: warden help)`);
    const command = await load();
    return await command(rest, ctx);
  } catch (err) {
    if (err instanceof CliError) {
      // Scripts asked for JSON: they get it for usage and validation failures too.
      if (rest.includes('--json'))
        ctx.stdout(
          `${JSON.stringify({ ok: false, error: { code: err.exitCode === 2 ? 'EINVAL' : 'EINTERNAL', message: err.message } })}\n`,
        );
      ctx.stderr(`warden: ${err.message}\n`);
      for (const d of err.details) ctx.stderr(`warden: ${d}\n`);
      return err.exitCode;
    }
    // parseArgs reports unknown options and missing values with ERR_PARSE_ARGS_* codes.
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      ctx.stderr(`warden: ${(err as Error).message} (try: warden ${name} --help)\n`);
      return EXIT_USAGE;
    }
    ctx.stderr(`warden: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILED;
  }
}
