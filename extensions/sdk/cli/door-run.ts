/**
 * The door's `warden run` (door.ts): spare.cjs starts the sandbox process, then run.cjs loads
 * while it starts, both through the code cache in the run's data folder (code-cache.ts).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RUN_OPTIONS } from './command-options';
import { dataDirOf } from './context';
import { loadBundle } from './code-cache';
import { processContext } from './process-context';
import { mark } from './trace';
import { asksForHelp, EXIT_FAILED } from './usage';

/** SHA-256 of spare.cjs and run.cjs, computed at build time (part of their caches' names). */
declare const __SPARE_BUNDLE_HASH__: string;
declare const __RUN_BUNDLE_HASH__: string;

/** The cache folder of this run's data folder, or undefined when the arguments do not parse (run reports it). */
function runCacheDir(argv: string[]): string | undefined {
  try {
    const { values } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: RUN_OPTIONS });
    return path.join(dataDirOf(values), 'cache', 'cli');
  } catch {
    return undefined;
  }
}

export function oneShotRun(argv: string[]): void {
  // `--help` prints and exits: it neither starts a process nor creates a data folder for a cache.
  const help = asksForHelp(argv);
  const cacheDir = help ? undefined : runCacheDir(argv);
  const bundles: Array<{ save(): void }> = [];
  let done: Promise<number>;
  try {
    let launcher;
    if (!help) {
      const spare = loadBundle<typeof import('./run-spare')>(
        path.join(__dirname, 'spare.cjs'),
        __SPARE_BUNDLE_HASH__,
        cacheDir,
      );
      bundles.push(spare);
      mark(`spare.cjs loaded (code cache: ${spare.cache})`);
      launcher = spare.exports.startRunLauncher(argv, processContext(__dirname));
      mark('spare process spawned');
    }
    const run = loadBundle<typeof import('./run-main')>(path.join(__dirname, 'run.cjs'), __RUN_BUNDLE_HASH__, cacheDir);
    bundles.push(run);
    mark(`run.cjs loaded (code cache: ${run.cache})`);
    done = run.exports.runMain(argv, __dirname, launcher);
  } catch (err) {
    done = Promise.reject(err);
  }
  done
    .then(
      (code) => {
        mark('command returned');
        process.exitCode = code;
      },
      (err: unknown) => {
        process.stderr.write(`warden: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = EXIT_FAILED;
      },
    )
    .finally(() => {
      // After the work: the cache then holds the functions that ran, not only the top level.
      for (const b of bundles) b.save();
      mark('code caches saved where stale');
    });
}
