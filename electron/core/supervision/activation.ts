/**
 * Starts one extension's process: launch the process → meanwhile read the bundle, check its
 * integrity (installed packages), rewrite what SES would refuse, read its source map → send it
 * all in `init` → wait for `ready`, locating syntax errors.
 */
import fs from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { WardenError } from '../../common/errors';
import { wallMeets, wallStatus, type WallLevel } from '../../common/wall';
import { DEFAULT_LIMITS } from '../../common/limits';
import type { Launcher } from '../process/launcher';
import { adoptChild, holdChild, type HeldChild } from '../process/held-child';
import type { Logger } from '../platform/logger';
import type { AuditLog } from '../platform/audit-log';
import { ExtensionProcess, LoadError, type ProcessExit, type ProcessTimeouts } from '../process/extension-process';
import type { ProcSampler } from '../governance/proc-stats';
import type { GovernorEvent } from '../governance/governor';
import { checkBundleLoads } from '../bundle/load-check';
import { prepareBundleSource } from '../bundle/source-transform';
import { readSourceMap } from '../bundle/source-map-file';
import { MAX_MESSAGE_BYTES } from '../../common/protocol-limits';
import type { Entry, ExtensionState, GovernanceOptions } from './types';
import type { PythonSnapshotOptions } from './python-snapshot-store';
import { pythonInit, PYTHON_RSS_ALLOWANCE_MB, PYTHON_START_MS } from './python-activation';

const WALL_REQUIREMENT: Record<WallLevel, string> = {
  os: 'an operating-system wall (Landlock/seccomp or bubblewrap)',
  node: "at least Node's permission model",
  none: 'nothing beyond SES',
};

export interface ActivationDeps {
  launcher: Launcher;
  /** The admin policy's minimum second wall (`sandbox.requireWall`). */
  requireWall?: WallLevel;
  dataDir: string;
  logger: Logger;
  timeouts: ProcessTimeouts;
  audit?: AuditLog;
  sample: ProcSampler | null;
  governance: GovernanceOptions;
  setState(e: Entry, state: ExtensionState, reason?: string): void;
  onResource(id: string, event: GovernorEvent): void;
  onExit(e: Entry, proc: ExtensionProcess, outcome: ProcessExit): void;
  /** The process exists and is starting (commands may be sent to it from now). */
  onProcess?(e: Entry, proc: ExtensionProcess): void;
  /** Test hosts only: where this extension's virtual clock stands (it starts there). */
  clock?(e: Entry): { startMs: number } | undefined;
  /** Python extensions: where the runtime's memory snapshot is made and kept. */
  pythonSnapshot?: PythonSnapshotOptions;
}

/** Launches `e`'s process and resolves once it is ready (its state set to running). */
export async function activate(e: Entry, d: ActivationDeps): Promise<ExtensionProcess> {
  const m = e.ext.manifest;
  d.setState(e, 'starting');
  e.context.deprecations?.newActivation(); // deprecated calls are logged once per activation
  // Never fail open: below the wall the policy requires, the extension does not start.
  const wall = d.launcher.wall ?? wallStatus('none');
  if (d.requireWall && !wallMeets(wall.level, d.requireWall)) {
    const reason = `the admin policy requires ${WALL_REQUIREMENT[d.requireWall]}; this machine offers ${wall.label}`;
    d.setState(e, 'failed', reason);
    d.audit?.write({ ext: m.id, kind: 'violation', detail: `wall: ${reason}` });
    d.logger.error(`refusing to run ${m.id}: ${reason}`, { ext: m.id });
    throw new WardenError('EPERM', reason, { reason: 'policy' });
  }
  // A JavaScript extension's process starts now, while its files are read and checked: until
  // `init`, sent only once every check below has passed, it runs Warden's code alone, and a failed
  // check kills it unused. (A Python one is launched after pythonInit, which decides its runtime.)
  const early =
    m.runtime === 'python'
      ? undefined
      : { held: holdChild(d.launcher.launch({ extensionId: m.id, memoryMb: memoryOf(e) })), claimed: false };
  try {
    return await startChecked(e, d, early);
  } finally {
    if (early && !early.claimed) early.held.child.kill();
  }
}

const memoryOf = (e: Entry) => e.ext.manifest.limits.memoryMb ?? DEFAULT_LIMITS.memoryMb;

async function startChecked(
  e: Entry,
  d: ActivationDeps,
  early: { held: HeldChild; claimed: boolean } | undefined,
): Promise<ExtensionProcess> {
  const m = e.ext.manifest;
  const wall = d.launcher.wall ?? wallStatus('none');
  // The process launched above, handed to its owner (the spec is the one ExtensionProcess asks for).
  const launcher: Launcher = early
    ? {
        wall,
        launch: (spec) => {
          if (early.claimed) return d.launcher.launch(spec);
          early.claimed = true;
          return adoptChild(early.held);
        },
      }
    : d.launcher;
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(e.ext.mainPath);
  } catch {
    d.setState(e, 'failed', `${m.main} cannot be read`);
    throw new WardenError('EINVAL', `${m.main} cannot be read`);
  }
  // An installed package's bundle is re-checked at every activation: a file changed on disk
  // after install (by malware, a sync tool, a user) must not run under the package's trust.
  const expected = e.ext.integrity?.mainSha256;
  if (expected && createHash('sha256').update(bytes).digest('hex') !== expected) {
    const reason = `${m.main} does not match the signed package (changed after install); reinstall it`;
    d.setState(e, 'failed', reason);
    d.audit?.write({ ext: m.id, kind: 'violation', detail: `integrity: ${reason}` });
    d.logger.error(`refusing to run ${m.id}: ${reason}`, { ext: m.id });
    throw new WardenError('EPERM', reason, { reason: 'policy' });
  }
  const source = bytes.toString('utf8');
  let python: Awaited<ReturnType<typeof pythonInit>> | undefined;
  try {
    python = m.runtime === 'python' ? await pythonInit(e, d.pythonSnapshot) : undefined;
  } catch (err) {
    // A Python runtime changed after install (python-package-runtime.ts) is refused like main.
    const reason = err instanceof Error ? err.message : String(err);
    d.setState(e, 'failed', reason);
    if (err instanceof WardenError && err.code === 'EPERM')
      d.audit?.write({ ext: m.id, kind: 'violation', detail: `integrity: ${reason}` });
    throw err;
  }
  // Bundles not built by `warden build` may still carry text SES censors (`<!--`, `import(` in
  // strings or comments): rewrite it, meaning-preserving, cached by hash (source-transform.ts).
  // `source` stays the file's text for error locations; line numbers are the same in both.
  const sandboxSource = python
    ? source
    : await prepareBundleSource(source, { cacheDir: path.join(d.dataDir, 'cache', 'bundles') });
  // `<main>.map` (written by `warden build`) lets the sandbox name the author's source lines. It is
  // the extension's own file: read bounded and strictly, and left out where it would push the init
  // message over the channel's limit. (A package's map is not hash-pinned like main: at worst a
  // tampered one misnames positions in the extension's own error messages.)
  const map = python ? undefined : await readSourceMap(e.ext.mainPath, m.main);
  const sourceMap = map && sandboxSource.length + map.mappings.length < MAX_MESSAGE_BYTES / 2 ? map : undefined;
  const clock = d.clock?.(e);
  const gov = d.governance;
  const proc = new ExtensionProcess({
    launcher,
    extension: { id: m.id, version: m.version, name: m.name, commands: m.contributes.commands.map((c) => c.id) },
    source: sandboxSource,
    sourceUrl: `ext://${m.id}/${m.main}`,
    ...(sourceMap ? { sourceMap } : {}),
    ...(clock ? { clock } : {}),
    ...(python ? { python } : {}),
    memoryMb: memoryOf(e),
    // Python's interpreter starts in ~1–3 s (more on a loaded machine): its own start allowance.
    timeouts: python ? { ...d.timeouts, startMs: Math.max(d.timeouts.startMs, PYTHON_START_MS) } : d.timeouts,
    handleCall: e.handleCall,
    logger: d.logger.child({ ext: m.id }),
    governor: d.sample
      ? {
          sample: d.sample,
          limits: {
            // Python's compiled interpreter is resident on top of the extension's own memory (which
            // the wasm memory maximum bounds): it gets a fixed allowance, as the sandbox baseline does.
            memoryLimitBytes:
              ((m.limits.memoryMb ?? DEFAULT_LIMITS.memoryMb) + (python ? PYTHON_RSS_ALLOWANCE_MB : 0)) * 1024 * 1024,
            startupRssLimitBytes:
              ((m.limits.memoryMb ?? DEFAULT_LIMITS.memoryMb) +
                (gov.rssOverheadMb ?? 96) +
                (python ? PYTHON_RSS_ALLOWANCE_MB : 0)) *
              1024 *
              1024,
            cpuPercent: m.limits.cpuPercent ?? DEFAULT_LIMITS.cpuPercent,
          },
          timing: gov.timing,
          onEvent: (event) => d.onResource(m.id, event),
        }
      : undefined,
    onExit: (outcome) => d.onExit(e, proc, outcome),
  });
  e.proc = proc;
  e.startedAt = Date.now();
  d.onProcess?.(e, proc);
  d.audit?.write({
    ext: m.id,
    kind: 'lifecycle',
    detail: `process ${proc.stats.pid ?? '?'} started behind ${wall.label}`,
  });
  try {
    await proc.ready();
  } catch (err) {
    if (err instanceof LoadError && err.syntax) {
      // The same check `warden validate` runs, so both name the same line and column.
      const located = checkBundleLoads(source, m.main)[0]?.message;
      if (located) throw new LoadError({ code: 'EINVAL', message: located }, err.phase, true);
    }
    if (err instanceof LoadError) d.setState(e, 'failed', err.message);
    d.audit?.write({
      ext: m.id,
      kind: 'lifecycle',
      detail: 'failed to start',
      reason: err instanceof WardenError ? `${err.code}: ${err.message}` : 'internal error',
    });
    throw err;
  }
  d.setState(e, 'running');
  d.audit?.write({ ext: m.id, kind: 'lifecycle', detail: 'started', reason: `version ${m.version}` });
  return proc;
}
