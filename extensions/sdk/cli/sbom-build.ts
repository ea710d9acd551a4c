/**
 * The bill of materials `warden build` writes beside the manifest: `sbom.cdx.json` (CycloneDX 1.6,
 * through the CycloneDX library's models and serializer) and `THIRD_PARTY_LICENSES.txt`. Made
 * from esbuild's metafile, so it lists what the bundle really holds after tree-shaking: every
 * npm package with at least one byte in the output, its name, version and licence from its own
 * package.json, its package-url, and the SHA-256 of what was taken from it (see `takenHash`).
 * A package found twice (two versions in nested node_modules) is listed twice.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import { LICENSES_FILE, SBOM_FILE } from '../../../electron/core';

// spdx-expression-parse has no types; the licence factory only needs it to throw on non-SPDX text.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const spdxParse = require('spdx-expression-parse') as (text: string) => unknown;

/** The part of esbuild's metafile this reads. */
export interface MetafileOutputs {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }>; entryPoint?: string }>;
}

interface Taken {
  root: string;
  name: string;
  version: string;
  license?: string;
  files: string[];
  bytes: number;
}

/** `node_modules/<name>/` or `node_modules/@scope/name/`: the last one names the package a file is from. */
const PACKAGE_SEGMENT = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//g;

function packageRootOf(input: string): string | undefined {
  let end = -1;
  for (const m of input.matchAll(PACKAGE_SEGMENT)) end = m.index + m[0].length;
  return end < 0 ? undefined : input.slice(0, end - 1);
}

function declaredLicense(pj: Record<string, unknown>): string | undefined {
  const l = pj.license ?? pj.licenses;
  if (typeof l === 'string') return l;
  if (l && typeof l === 'object' && !Array.isArray(l) && typeof (l as { type?: unknown }).type === 'string')
    return (l as { type: string }).type;
  if (Array.isArray(l)) {
    const types = l.map((x) => (x as { type?: unknown })?.type).filter((t): t is string => typeof t === 'string');
    return types.length ? (types.length === 1 ? types[0] : `(${types.join(' OR ')})`) : undefined;
  }
  return undefined;
}

/** What the bundle took from one package: SHA-256 over `<path in package>\0<sha256 of file>\n`, sorted by path. */
function takenHash(root: string, files: string[]): string {
  const h = crypto.createHash('sha256');
  for (const f of [...files].sort()) {
    const rel = path.relative(root, f).split(path.sep).join('/');
    h.update(`${rel}\0${crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex')}\n`);
  }
  return h.digest('hex');
}

function collect(dir: string, metafile: MetafileOutputs, outFile: string): Taken[] {
  const out =
    Object.entries(metafile.outputs).find(([p]) => path.resolve(dir, p) === outFile)?.[1] ??
    Object.entries(metafile.outputs).find(([p]) => !p.endsWith('.map'))?.[1];
  const taken = new Map<string, Taken>();
  for (const [input, info] of Object.entries(out?.inputs ?? {})) {
    if (info.bytesInOutput === 0) continue; // tree-shaken away: not shipped
    // A namespaced input ("(disabled):…", a package's browser field mapping a module to false)
    // is an empty stub esbuild made, not a file taken from the package.
    if (/^\([^)]*\):/.test(input)) continue;
    const rootRel = packageRootOf(input.split(path.sep).join('/'));
    if (!rootRel) continue; // the extension's own source
    const root = path.resolve(dir, rootRel);
    let t = taken.get(root);
    if (!t) {
      const pj = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
      if (typeof pj.name !== 'string' || typeof pj.version !== 'string')
        throw new Error(`${rootRel}/package.json has no name or version`);
      const license = declaredLicense(pj);
      t = { root, name: pj.name, version: pj.version, ...(license ? { license } : {}), files: [], bytes: 0 };
      taken.set(root, t);
    }
    t.files.push(path.resolve(dir, input));
    t.bytes += info.bytesInOutput;
  }
  return [...taken.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0,
  );
}

function licenceTexts(t: Taken): string[] {
  const texts: string[] = [];
  const gatherer = new CDX.Contrib.License.Utils.LicenseEvidenceGatherer();
  for (const a of gatherer.getFileAttachments(t.root, () => {})) {
    const raw = String(a.text.content);
    const content = a.text.encoding === 'base64' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    texts.push(`--- ${a.file} ---\n${content.trimEnd()}\n`);
  }
  return texts;
}

export interface SbomBuildInput {
  dir: string;
  outFile: string;
  metafile: MetafileOutputs;
  /** The bundle as written (after the censorship rewrite): its SHA-256 ties the SBOM to it. */
  bundle: Uint8Array;
  manifest: { id: string; version: string; publisher: string };
}

export interface SbomBuildResult {
  sbomFile: string;
  licensesFile?: string;
  components: Array<{ name: string; version: string; license?: string }>;
  /** Set for a Python extension: the components are vendored wheels (sbom-python.ts). */
  python?: true;
}

/** Writes `sbom.cdx.json` (always: an empty list says "bundles nothing") and the licence texts (when any package is bundled). */
export function writeSbom(input: SbomBuildInput): SbomBuildResult {
  const taken = collect(input.dir, input.metafile, input.outFile);
  const licenses = new CDX.Contrib.License.Factories.LicenseFactory(spdxParse);
  const bom = new CDX.Models.Bom();
  const app = new CDX.Models.Component(CDX.Enums.ComponentType.Application, input.manifest.id, {
    version: input.manifest.version,
    publisher: input.manifest.publisher,
    bomRef: `${input.manifest.id}@${input.manifest.version}`,
  });
  app.hashes.set(CDX.Enums.HashAlgorithm['SHA-256'], crypto.createHash('sha256').update(input.bundle).digest('hex'));
  bom.metadata.component = app;
  bom.metadata.tools.components.add(
    new CDX.Models.Component(CDX.Enums.ComponentType.Application, 'warden build', { group: 'warden' }),
  );
  const seenRefs = new Set<string>();
  for (const t of taken) {
    const [group, name] = t.name.startsWith('@') ? (t.name.split('/', 2) as [string, string]) : [undefined, t.name];
    const purl = new PackageURL('npm', group ?? null, name, t.version, null, null).toString();
    const ref = seenRefs.has(purl) ? `${purl}#${path.relative(input.dir, t.root).split(path.sep).join('/')}` : purl;
    seenRefs.add(ref);
    const c = new CDX.Models.Component(CDX.Enums.ComponentType.Library, name, {
      ...(group ? { group } : {}),
      version: t.version,
      purl,
      bomRef: ref,
    });
    if (t.license) c.licenses.add(licenses.makeFromString(t.license));
    c.hashes.set(CDX.Enums.HashAlgorithm['SHA-256'], takenHash(t.root, t.files));
    c.properties.add(new CDX.Models.Property('warden:bundle:bytes', String(t.bytes)));
    c.properties.add(new CDX.Models.Property('warden:bundle:files', String(t.files.length)));
    bom.components.add(c);
  }
  const serializer = new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6));
  const sbomFile = path.join(input.dir, SBOM_FILE);
  fs.writeFileSync(sbomFile, `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`);

  const licensesFile = path.join(input.dir, LICENSES_FILE);
  if (taken.length === 0) fs.rmSync(licensesFile, { force: true });
  else {
    const sections = taken.map((t) => {
      const texts = licenceTexts(t);
      return [
        `${'='.repeat(72)}\n${t.name} ${t.version} (${t.license ?? 'no licence declared'})\n${'='.repeat(72)}\n`,
        ...(texts.length
          ? texts
          : [`(the package ships no licence file; its package.json declares: ${t.license ?? 'nothing'})\n`]),
      ].join('\n');
    });
    fs.writeFileSync(
      licensesFile,
      `Third-party software bundled into ${input.manifest.id} ${input.manifest.version} by warden build.\n` +
        `The list with versions and package-urls is in ${SBOM_FILE}.\n\n${sections.join('\n')}`,
    );
  }
  return {
    sbomFile,
    ...(taken.length ? { licensesFile } : {}),
    components: taken.map((t) => ({ name: t.name, version: t.version, ...(t.license ? { license: t.license } : {}) })),
  };
}
