/**
 * What activation adds for a Python extension (docs/python.md): its other .py files, the wasm
 * memory limit, and the runtime's memory snapshot when one has been made for this build.
 */
import { DEFAULT_LIMITS } from '../../common/limits';
import type { InitMessage } from '../../common/protocol';
import { WardenError } from '../../common/errors';
import { readPythonFiles } from './python-files';
import { readVendoredWheels } from './python-wheels';
import type { Entry } from './types';
import type { Launcher } from '../process/launcher';
import path from 'node:path';
import { pythonRuntimeVerified, pythonSnapshot, type PythonSnapshotOptions } from './python-snapshot-store';
import { choosePythonRuntime } from './python-package-runtime';
import { RuntimeMismatch, verifyFileSync } from './python-verified-files';

/** Resident memory of the compiled interpreter and its glue, above the sandbox's baseline. */
export const PYTHON_RSS_ALLOWANCE_MB = 256;
/** Start allowance for a Python process: ~1 s from a snapshot, ~3 s cold on a quiet 2-core machine, many times that on a loaded one. It bounds a start that never finishes; a spinning command is the hang watchdog's. */
export const PYTHON_START_MS = 180_000;

export async function pythonInit(
  e: Entry,
  snapshots?: PythonSnapshotOptions,
): Promise<NonNullable<InitMessage['python']>> {
  const m = e.ext.manifest;
  let files: Record<string, string>;
  try {
    files = readPythonFiles(e.ext.dir, m.main, e.ext.integrity?.files);
  } catch (err) {
    if (err instanceof WardenError) throw err;
    throw new WardenError('EINVAL', `the extension's .py files cannot be read: ${(err as Error).message}`);
  }
  // Vendored wheels (python-wheels.ts): an installed package's index must be the signed one.
  const wheels = readVendoredWheels(e.ext.dir, e.ext.integrity?.files);
  // The runtime the package carries, checked against its signature (python-package-runtime.ts).
  const runtime = choosePythonRuntime(e.ext.dir, e.ext.integrity?.files, {
    ...(snapshots ? { hostRuntimeDir: path.join(path.dirname(snapshots.bootstrapPath), 'python') } : {}),
    ...(snapshots
      ? { cacheDir: snapshots.dir, verifyFile: (f: string, sha: string) => verifyFileSync(f, sha, snapshots.dir) }
      : {}),
  });
  // The shared snapshot is of the host's runtime only: a package's own runtime starts cold.
  // Both are verified once per file identity (python-verified-files.ts): the sandbox is told the
  // identities and reads the files without hashing them while they keep those identities.
  const host = snapshots && runtime.kind === 'host';
  const [snapshot, verified] = host
    ? await Promise.all([pythonSnapshot(snapshots), verifiedHostRuntime(snapshots)])
    : [undefined, undefined];
  return {
    main: m.main,
    files,
    memoryMb: m.limits.memoryMb ?? DEFAULT_LIMITS.memoryMb,
    ...(snapshot ? { snapshot } : {}),
    ...(verified ? { verified } : {}),
    ...(wheels ? { wheels } : {}),
    ...(runtime.kind === 'package' ? { runtime: { dir: runtime.dir, files: runtime.files } } : {}),
  };
}

/** The host runtime's files, verified; a file that does not match refuses the start (audited as integrity). */
async function verifiedHostRuntime(o: PythonSnapshotOptions) {
  try {
    return await pythonRuntimeVerified(o);
  } catch (err) {
    if (err instanceof RuntimeMismatch)
      throw new WardenError('EPERM', `${err.message} (changed since it was installed); reinstall Warden`, {
        reason: 'policy',
      });
    throw err;
  }
}

/**
 * A Python extension was loaded (installed, or a folder opened): make the runtime's snapshot now,
 * in the background, rather than at its first start, and let a warm pool keep a Python spare.
 */
export function preparePython(
  m: { id: string; runtime?: string; limits: { memoryMb?: number } },
  d: { snapshots?: PythonSnapshotOptions; launcher: Launcher },
): void {
  if (m.runtime !== 'python') return;
  if (d.snapshots) void pythonSnapshot(d.snapshots).catch(() => undefined);
  d.launcher.prepare?.({
    extensionId: m.id,
    memoryMb: m.limits.memoryMb ?? DEFAULT_LIMITS.memoryMb,
    runtime: 'python',
  });
}
