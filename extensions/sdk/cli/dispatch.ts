/** Runs one named sub-command: its `--help`, and every failure turned into one line and an exit code. */
import { asksForHelp, CliError, COMMAND_HELP, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './usage';
import type { CliContext } from './context';
import { mark } from './trace';

export type Command = (argv: string[], ctx: CliContext) => Promise<number>;

/** `load` is undefined for a name `warden` does not know. */
export async function dispatch(
  name: string,
  rest: string[],
  ctx: CliContext,
  load: (() => Promise<Command>) | undefined,
): Promise<number> {
  const help = Object.hasOwn(COMMAND_HELP, name) ? COMMAND_HELP[name] : undefined;
  if (load && help && asksForHelp(rest)) {
    ctx.stdout(`${help}\n`);
    return EXIT_OK;
  }
  try {
    if (!load) throw new CliError(`unknown command "${name}" (try: warden help)`);
    const command = await load();
    mark(`${name} command loaded`);
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
