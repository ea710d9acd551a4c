/**
 * `warden run` starts its sandbox process before it loads the rest of the host: node, SES and
 * lockdown in the child (~150 ms) then overlap with the host compiling the supervisor, the
 * gateways and the schemas (~250 ms), instead of following them. This module is small on
 * purpose (main.ts loads it before run.ts).
 *
 * The spare is a warm-pool process (process/warm-pool.ts): it holds no extension code and no
 * authority until the supervisor claims it with `init`; a launch it cannot serve (another
 * memory cap) starts directly. The pool is closed at the first launch, so a one-shot run never
 * starts a refill it would not use, and by the command's end in every case.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
// The launcher's own modules, not the core's front door: through index.ts this chunk would load
// the whole core (~2 MB with zod and the gateways) before the sandbox process could start, which
// is the wait this module exists to overlap. They are the same modules index.ts exports.
/* eslint-disable no-restricted-imports */
import { createForkLauncher } from '../../../electron/core/process/fork-launcher';
import { createWarmPool } from '../../../electron/core/process/warm-pool';
import type { Launcher } from '../../../electron/core/process/launcher';
/* eslint-enable no-restricted-imports */
import { DEFAULT_LIMITS } from '../../../electron/common/limits';
import { RUN_OPTIONS } from './command-options';
import { dataDirOf, type CliContext } from './context';
import { mark, markOnce, tracing } from './trace';

export interface RunLauncher extends Launcher {
  /** Kills the spare if nobody claimed it. Idempotent. */
  close(): void;
}

/** The launcher `run` uses, with its spare already starting; undefined when argv does not parse (run reports it). */
export function startRunLauncher(argv: string[], ctx: CliContext): RunLauncher | undefined {
  let dataDir: string;
  try {
    const { values } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: RUN_OPTIONS });
    dataDir = dataDirOf(values);
  } catch {
    return undefined;
  }
  const cacheDir = path.join(dataDir, 'cache');
  mark('run-spare loaded, argv parsed');
  const forked = createForkLauncher({
    bootstrapPath: ctx.bootstrapPath,
    codeCacheDir: path.join(cacheDir, 'v8'),
    runtimeFilesCache: path.join(cacheDir, 'runtime-files.json'),
    // One command, and the user waits for it: its process runs at the CLI's own priority.
    niceness: 0,
  });
  mark('wall probed, runtime files listed');
  const inner = tracing() ? traced(forked) : forked;
  const pool = createWarmPool(inner, { size: 1, memoryMb: DEFAULT_LIMITS.memoryMb });
  return {
    wall: inner.wall,
    launch(spec) {
      const child = pool.launch(spec);
      pool.close(); // one command, one process: no refill
      return child;
    },
    close: () => pool.close(),
  };
}

/** The launcher with the child's milestones in the phase trace (WARDEN_TRACE). */
function traced(inner: Launcher): Launcher {
  return {
    ...inner,
    launch(spec) {
      const child = inner.launch(spec);
      mark('child spawn call returned');
      child.onMessage((m) => {
        const t = (m as { t?: unknown } | null)?.t;
        if (t === 'hello' || t === 'ready' || t === 'result' || t === 'stopped') markOnce(`child says ${t}`);
      });
      child.onExit(() => mark('child exited'));
      return child;
    },
  };
}
