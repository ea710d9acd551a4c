/** The `warden` command line: dispatches sub-commands and turns every failure into one line. */
import { asksForHelp, CliError, COMMAND_HELP, EXIT_FAILED, EXIT_OK, EXIT_USAGE, USAGE } from './usage';
import { runCommand } from './run';
import type { CliContext } from './context';
import { buildCommand } from './build';
import { initCommand } from './init';
import { validateCommand } from './validate';
import { auditCommand, grantsCommand, quarantineCommand, secretsCommand } from './admin-commands';
import { topCommand } from './top';
import { devCommand } from './dev';
import { anomaliesCommand } from './anomalies';
import { serveCommand } from './serve';
import { PACKAGE_COMMANDS } from './package-commands';
import { advisoriesCommand } from './advisories';
import { WARDEN_API_VERSION, WARDEN_VERSION } from '../../../electron/common/version';

const COMMANDS: ReadonlyMap<string, (argv: string[], ctx: CliContext) => Promise<number>> = new Map([
  ['init', initCommand],
  ['run', runCommand],
  ['build', buildCommand],
  ['validate', validateCommand],
  ['grants', grantsCommand],
  ['audit', auditCommand],
  ['secrets', secretsCommand],
  ['quarantine', quarantineCommand],
  ['release', (argv, ctx) => quarantineCommand(['release', ...argv], ctx)],
  ['top', topCommand],
  ['dev', devCommand],
  ['anomalies', anomaliesCommand],
  ['serve', serveCommand],
  ...PACKAGE_COMMANDS,
  ['advisories', advisoriesCommand],
]);

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
  const command = COMMANDS.get(name);
  const help = Object.hasOwn(COMMAND_HELP, name) ? COMMAND_HELP[name] : undefined;
  if (command && help && asksForHelp(rest)) {
    ctx.stdout(`${help}\n`);
    return EXIT_OK;
  }
  try {
    if (!command) throw new CliError(`unknown command "${name}" (try: warden help)`);
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
