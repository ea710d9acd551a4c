/**
 * The vendored wheels of a Python extension (common/python-wheel.ts), read for activation: the
 * index `warden build` wrote, then each wheel it lists, bounded in number and size, links refused.
 * For an installed package the index must still hash to what the package signature lists (so the
 * names and hashes the sandbox checks the wheels against are the publisher's); the wheels' own
 * hashes are checked by the sandbox before it unpacks them (sandbox/python-packages.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { WardenError } from '../../common/errors';
import { parseStrictJson } from '../../common/strict-json';
import {
  checkWheelIndex,
  MAX_WHEEL_FILE_BYTES,
  MAX_WHEELS_TOTAL_BYTES,
  PYTHON_PACKAGES_DIR,
  WHEEL_INDEX_FILE,
  type WheelIndex,
} from '../../common/python-wheel';

const MAX_INDEX_BYTES = 1024 * 1024;

export interface WheelPayload {
  file: string;
  sha256: string;
  bytes: Uint8Array<ArrayBuffer>;
}

/** A regular file's bytes, or undefined when absent; links and oversize files are errors. */
function readRegular(full: string, rel: string, max: number): Buffer | undefined {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(full);
  } catch {
    return undefined;
  }
  if (!st.isFile()) throw new Error(`${rel} is not a regular file`);
  if (st.size > max) throw new Error(`${rel} is larger than ${max} bytes`);
  return fs.readFileSync(full);
}

/** The index, when the folder has one (strict JSON, checked shape). */
export function readWheelIndex(dir: string): { index: WheelIndex; bytes: Buffer } | undefined {
  const bytes = readRegular(path.join(dir, ...WHEEL_INDEX_FILE.split('/')), WHEEL_INDEX_FILE, MAX_INDEX_BYTES);
  if (!bytes) return undefined;
  return { index: checkWheelIndex(parseStrictJson(bytes.toString('utf8'))), bytes };
}

function refuse(reason: string): never {
  throw new WardenError('EPERM', reason, { reason: 'policy' });
}

/**
 * The wheels to send to the sandbox (undefined when none are vendored). `signedFiles` is the
 * package's signed file list for an installed extension (absent for a folder in development).
 */
export function readVendoredWheels(
  dir: string,
  signedFiles?: Readonly<Record<string, string>>,
): WheelPayload[] | undefined {
  let found: ReturnType<typeof readWheelIndex>;
  try {
    found = readWheelIndex(dir);
  } catch (err) {
    throw new WardenError('EINVAL', `the extension's wheel index cannot be read: ${(err as Error).message}`);
  }
  if (signedFiles) {
    const signed = signedFiles[WHEEL_INDEX_FILE];
    if (!found && signed) refuse(`${WHEEL_INDEX_FILE} is missing from the installed package; reinstall it`);
    if (found && !signed) refuse(`${WHEEL_INDEX_FILE} is not in the signed file list; reinstall the package`);
    if (found && createHash('sha256').update(found.bytes).digest('hex') !== signed)
      refuse(`${WHEEL_INDEX_FILE} does not match the signed package (changed after install); reinstall it`);
  }
  if (!found || found.index.wheels.length === 0) return undefined;
  const out: WheelPayload[] = [];
  let total = 0;
  for (const w of found.index.wheels) {
    const rel = `${PYTHON_PACKAGES_DIR}/${w.file}`;
    let bytes: Buffer | undefined;
    try {
      bytes = readRegular(path.join(dir, PYTHON_PACKAGES_DIR, w.file), rel, MAX_WHEEL_FILE_BYTES);
    } catch (err) {
      throw new WardenError('EINVAL', `the extension's wheel cannot be read: ${(err as Error).message}`);
    }
    if (!bytes)
      throw new WardenError('EINVAL', `${rel} is listed in ${WHEEL_INDEX_FILE} but missing; rebuild or reinstall`);
    total += bytes.length;
    if (total > MAX_WHEELS_TOTAL_BYTES)
      throw new WardenError('EINVAL', `the vendored wheels are larger than ${MAX_WHEELS_TOTAL_BYTES} bytes together`);
    out.push({ file: w.file, sha256: w.sha256, bytes: new Uint8Array(bytes) });
  }
  return out;
}
