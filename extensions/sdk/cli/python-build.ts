/**
 * The Python half of `warden build` (build.ts calls this for `"runtime": "python"`): vendors the
 * wheels `requirements.lock` pins (python-wheels.ts) and writes the bill of materials that lists
 * them (sbom-python.ts; an empty list says "vendors nothing", as for JavaScript).
 */
import type { Manifest } from '../../../electron/common/manifest';
import type { SbomBuildResult } from './sbom-build';
import { vendorPythonWheels } from './python-wheels';
import { writePythonSbom } from './sbom-python';

export async function buildPythonPackages(
  dir: string,
  manifest: Manifest,
  wheelsDir: string | undefined,
): Promise<SbomBuildResult> {
  const { wheels } = await vendorPythonWheels(dir, wheelsDir ? { wheelsDir } : {});
  return { ...writePythonSbom({ dir, manifest, wheels }), python: true };
}
