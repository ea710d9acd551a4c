/**
 * `warden run` on its own (dist/cli/run.cjs): one CommonJS bundle that the door (door.ts) loads
 * through a V8 code cache, after it started the sandbox process with spare.cjs (run-spare.ts).
 * Only this command's code is in it; the rest of the CLI stays ES modules (main.mjs).
 */
import { z } from 'zod';
import { dispatch } from './dispatch';
import { processContext } from './process-context';
import { runStarted, runWithSpare } from './run-command';
import type { RunLauncher } from './run-spare';

/** `launcher`: started by the door; absent (`--help`), the command starts its own. */
export function runMain(argv: string[], cliDir: string, launcher?: RunLauncher): Promise<number> {
  // One command parses a handful of messages: zod's compiled object parsers (generated code,
  // built at each schema's first parse) cost more here than they save (~10 ms of a run). The
  // interpreted parsers check exactly the same.
  z.config({ jitless: true });
  const ctx = processContext(cliDir);
  return dispatch('run', argv, ctx, async () => (launcher ? (args, c) => runStarted(args, c, launcher) : runWithSpare));
}
