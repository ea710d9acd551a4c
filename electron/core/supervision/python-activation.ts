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
import { pythonSnapshot, type PythonSnapshotOptions } from './python-snapshot-store';

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
    files = readPythonFiles(e.ext.dir, m.main);
  } catch (err) {
    throw new WardenError('EINVAL', `the extension's .py files cannot be read: ${(err as Error).message}`);
  }
  // Vendored wheels (python-wheels.ts): an installed package's index must be the signed one.
  const wheels = readVendoredWheels(e.ext.dir, e.ext.integrity?.files);
  const snapshot = snapshots ? await pythonSnapshot(snapshots) : undefined;
  return {
    main: m.main,
    files,
    memoryMb: m.limits.memoryMb ?? DEFAULT_LIMITS.memoryMb,
    ...(snapshot ? { snapshot } : {}),
    ...(wheels ? { wheels } : {}),
  };
}
