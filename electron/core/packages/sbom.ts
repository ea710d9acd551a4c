/**
 * Reading a package's bill of materials: `sbom.cdx.json` (CycloneDX 1.6 JSON, written by
 * `warden build` from esbuild's metafile, shipped and signed by `pack` like every other file) lists
 * the npm packages bundled into the main file. Only the fields Warden shows and matches are read
 * (name, version, purl, licences, the hash of what was taken); the rest of the CycloneDX document
 * is left as it is. Strict JSON (no duplicate keys) and bounded sizes: the SBOM comes from the
 * publisher, who may lie or be careless, so it is a claim to show and match, never a permission.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { parseStrictJson } from '../../common/strict-json';

export const SBOM_FILE = 'sbom.cdx.json';
/** Licence texts of the bundled packages, one section per package (written by `warden build`). */
export const LICENSES_FILE = 'THIRD_PARTY_LICENSES.txt';
const MAX_SBOM_BYTES = 4 * 1024 * 1024;
const MAX_COMPONENTS = 5_000;

const LicenseChoiceSchema = z.union([
  z.object({
    license: z.object({ id: z.string().max(200).optional(), name: z.string().max(500).optional() }),
  }),
  z.object({ expression: z.string().max(1000) }),
]);

const ComponentSchema = z.object({
  type: z.string().max(40),
  name: z.string().min(1).max(214),
  group: z.string().max(214).optional(),
  version: z.string().max(256).optional(),
  purl: z.string().max(2048).optional(),
  licenses: z.array(LicenseChoiceSchema).max(50).optional(),
  hashes: z
    .array(z.object({ alg: z.string().max(20), content: z.string().max(200) }))
    .max(10)
    .optional(),
});

const SbomSchema = z.object({
  bomFormat: z.literal('CycloneDX'),
  specVersion: z.string().max(10),
  metadata: z.object({ component: ComponentSchema.optional() }).optional(),
  components: z.array(ComponentSchema).max(MAX_COMPONENTS).optional(),
});

/** One bundled npm package as the SBOM states it. */
export interface SbomComponent {
  /** The npm name, scope included (`@scope/name`). */
  name: string;
  version: string;
  purl?: string;
  /** SPDX ids, expressions or licence names as declared; empty when none was declared. */
  licenses: string[];
  /** SHA-256 (hex) of what the bundle took from this package (see sbom-build in the SDK). */
  sha256?: string;
}

export type PackageSbom =
  | { status: 'present'; specVersion: string; components: SbomComponent[]; bundleSha256?: string }
  | { status: 'absent' }
  | { status: 'invalid'; problem: string };

const sha256Of = (hashes: Array<{ alg: string; content: string }> | undefined) =>
  hashes?.find((h) => h.alg === 'SHA-256' && /^[0-9a-f]{64}$/.test(h.content))?.content;

/** Parses SBOM bytes; throws an Error with a one-line message when they are not a usable SBOM. */
export function parseSbom(bytes: Uint8Array): Extract<PackageSbom, { status: 'present' }> {
  if (bytes.length > MAX_SBOM_BYTES) throw new Error(`${SBOM_FILE} is larger than ${MAX_SBOM_BYTES} bytes`);
  let json: unknown;
  try {
    json = parseStrictJson(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new Error(`${SBOM_FILE} is not valid JSON (${(err as Error).message})`);
  }
  const parsed = SbomSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`${SBOM_FILE} is not a CycloneDX document (${i ? `${i.path.join('.')}: ${i.message}` : '?'})`);
  }
  const components: SbomComponent[] = [];
  for (const c of parsed.data.components ?? []) {
    if (c.type !== 'library' || !c.version) continue;
    const licenses = (c.licenses ?? []).map((l) =>
      'expression' in l ? l.expression : (l.license.id ?? l.license.name ?? 'unknown'),
    );
    const sha256 = sha256Of(c.hashes);
    components.push({
      name: c.group ? `${c.group}/${c.name}` : c.name,
      version: c.version,
      ...(c.purl ? { purl: c.purl } : {}),
      licenses,
      ...(sha256 ? { sha256 } : {}),
    });
  }
  components.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1));
  const bundleSha256 = sha256Of(parsed.data.metadata?.component?.hashes);
  return {
    status: 'present',
    specVersion: parsed.data.specVersion,
    components,
    ...(bundleSha256 ? { bundleSha256 } : {}),
  };
}

/**
 * The SBOM of an extracted or installed package folder. A package without one (built before
 * SBOMs, or by other tools) still installs; callers say "no bill of materials".
 */
export async function readPackageSbom(dir: string): Promise<PackageSbom> {
  let bytes: Buffer;
  try {
    const st = await fsp.lstat(path.join(dir, SBOM_FILE));
    if (!st.isFile()) return { status: 'invalid', problem: `${SBOM_FILE} is not a regular file` };
    if (st.size > MAX_SBOM_BYTES)
      return { status: 'invalid', problem: `${SBOM_FILE} is larger than ${MAX_SBOM_BYTES} bytes` };
    bytes = await fsp.readFile(path.join(dir, SBOM_FILE));
  } catch {
    return { status: 'absent' };
  }
  try {
    return parseSbom(bytes);
  } catch (err) {
    return { status: 'invalid', problem: (err as Error).message };
  }
}

/** "lodash@4.17.15 (MIT)" — how the CLI and audit records name a bundled package. */
export const describeComponent = (c: SbomComponent) =>
  `${c.name}@${c.version} (${c.licenses.length ? c.licenses.join(', ') : 'no licence declared'})`;

/** One line for a package's SBOM state, for lists. */
export function describeSbom(sbom: PackageSbom): string {
  if (sbom.status === 'absent') return 'no bill of materials';
  if (sbom.status === 'invalid') return `unreadable bill of materials: ${sbom.problem}`;
  if (sbom.components.length === 0) return 'bundles no npm packages';
  return `bundles ${sbom.components.length} npm package${sbom.components.length === 1 ? '' : 's'}`;
}
