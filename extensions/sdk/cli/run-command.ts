/** `warden run` as the dispatcher calls it: its sandbox process starts before run.ts and the core load. */
import type { CliContext } from './context';
import type { Command } from './dispatch';
import type { RunLauncher } from './run-spare';
import { mark } from './trace';

/** Runs with `launcher`, whose sandbox process is already starting (undefined: argv did not parse). */
export async function runStarted(argv: string[], ctx: CliContext, launcher: RunLauncher | undefined): Promise<number> {
  try {
    const { runCommand } = await import('./run');
    mark('run code loaded (core, schemas)');
    return await runCommand(argv, ctx, launcher);
  } finally {
    launcher?.close();
  }
}

export const runWithSpare: Command = async (argv, ctx) => {
  // The sandbox process starts while run.ts and the core load (run-spare.ts).
  const launcher = (await import('./run-spare')).startRunLauncher(argv, ctx);
  mark('spare process spawned');
  return runStarted(argv, ctx, launcher);
};
