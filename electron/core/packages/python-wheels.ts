/**
 * What `warden pack` adds for a Python extension's vendored wheels (common/python-wheel.ts): the
 * index and every wheel it lists are shipped and signed, and each wheel must still hash to what
 * the index says, so a wheel changed after `warden build` is refused here, naming it, instead of
 * being signed (the sandbox would refuse it at start anyway).
 */
import { checkWheelIndex, PYTHON_PACKAGES_DIR, WHEEL_INDEX_FILE, type WheelIndex } from '../../common/python-wheel';
import { parseStrictJson } from '../../common/strict-json';
import { readWheelIndex } from '../supervision/python-wheels';
import { PackageError } from './format';
import { sha256Hex } from './verify';

function indexOf(dir: string) {
  try {
    return readWheelIndex(dir);
  } catch (err) {
    throw new PackageError(`${WHEEL_INDEX_FILE}: ${(err as Error).message}`);
  }
}

/** The index and the wheels it lists (relative paths), or nothing when no wheels are vendored. */
export function vendoredWheelFiles(dir: string): string[] {
  const found = indexOf(dir);
  if (!found) return [];
  return [WHEEL_INDEX_FILE, ...found.index.wheels.map((w) => `${PYTHON_PACKAGES_DIR}/${w.file}`)];
}

/** Every wheel the index being signed lists is signed too, with the hash the index records. */
export function checkVendoredWheels(files: ReadonlyArray<{ path: string; data: Uint8Array }>): void {
  const indexFile = files.find((x) => x.path === WHEEL_INDEX_FILE);
  if (!indexFile) return;
  let index: WheelIndex;
  try {
    index = checkWheelIndex(parseStrictJson(Buffer.from(indexFile.data).toString('utf8')));
  } catch (err) {
    throw new PackageError(`${WHEEL_INDEX_FILE}: ${(err as Error).message}`);
  }
  for (const w of index.wheels) {
    const rel = `${PYTHON_PACKAGES_DIR}/${w.file}`;
    const f = files.find((x) => x.path === rel);
    if (!f) throw new PackageError(`${rel} is listed in ${WHEEL_INDEX_FILE} but missing; rebuild with: warden build`);
    if (sha256Hex(f.data) !== w.sha256)
      throw new PackageError(
        `${rel} does not match its hash in ${WHEEL_INDEX_FILE} (changed after warden build); rebuild with: warden build`,
      );
  }
}
