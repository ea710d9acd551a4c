/**
 * The bill of materials of a Python extension (the same files as sbom-build.ts writes for npm
 * packages): `sbom.cdx.json` lists each vendored wheel as a CycloneDX library with its
 * `pkg:pypi/<name>@<version>` package-url, the SHA-256 of the wheel file (the hash
 * `requirements.lock` pins and `warden pack` signs), and the licence METADATA declares;
 * `THIRD_PARTY_LICENSES.txt` holds the licence files the wheels ship. The application component
 * carries no bundle hash: a Python extension's .py files are signed one by one by `warden pack`.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import { LICENSES_FILE, SBOM_FILE } from '../../../electron/core';
import { normalizeName, PYTHON_PACKAGES_DIR } from '../../../electron/common/python-wheel';
import type { SbomBuildResult } from './sbom-build';
import type { VendoredWheel } from './python-wheels';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const spdxParse = require('spdx-expression-parse') as (text: string) => unknown;

/** The licence a wheel declares: License-Expression (SPDX), else a short License field, else a classifier. */
export function wheelLicense(w: VendoredWheel): string | undefined {
  const expr = w.metadata.get('license-expression')?.[0];
  if (expr) return expr;
  const field = w.metadata.get('license')?.[0]?.trim();
  if (field && field.length <= 100 && !field.includes('\n') && field.toUpperCase() !== 'UNKNOWN') return field;
  const classifier = (w.metadata.get('classifier') ?? []).find((c) => c.startsWith('License :: OSI Approved :: '));
  return classifier?.slice('License :: OSI Approved :: '.length);
}

export function writePythonSbom(input: {
  dir: string;
  manifest: { id: string; version: string; publisher: string };
  wheels: VendoredWheel[];
}): SbomBuildResult {
  const licenses = new CDX.Contrib.License.Factories.LicenseFactory(spdxParse);
  const bom = new CDX.Models.Bom();
  const app = new CDX.Models.Component(CDX.Enums.ComponentType.Application, input.manifest.id, {
    version: input.manifest.version,
    publisher: input.manifest.publisher,
    bomRef: `${input.manifest.id}@${input.manifest.version}`,
  });
  app.properties.add(new CDX.Models.Property('warden:runtime', 'python'));
  bom.metadata.component = app;
  bom.metadata.tools.components.add(
    new CDX.Models.Component(CDX.Enums.ComponentType.Application, 'warden build', { group: 'warden' }),
  );
  for (const w of input.wheels) {
    const name = normalizeName(w.name);
    const purl = new PackageURL('pypi', null, name, w.version, null, null).toString();
    const c = new CDX.Models.Component(CDX.Enums.ComponentType.Library, name, {
      version: w.version,
      purl,
      bomRef: purl,
    });
    const license = wheelLicense(w);
    if (license) c.licenses.add(licenses.makeFromString(license));
    c.hashes.set(CDX.Enums.HashAlgorithm['SHA-256'], w.sha256);
    c.properties.add(new CDX.Models.Property('warden:python:wheel', `${PYTHON_PACKAGES_DIR}/${w.file}`));
    c.properties.add(new CDX.Models.Property('warden:python:unpacked-bytes', String(w.unpackedBytes)));
    bom.components.add(c);
  }
  const serializer = new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6));
  const sbomFile = path.join(input.dir, SBOM_FILE);
  fs.writeFileSync(sbomFile, `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`);
  const licensesFile = path.join(input.dir, LICENSES_FILE);
  if (input.wheels.length === 0) fs.rmSync(licensesFile, { force: true });
  else {
    const sections = input.wheels.map((w) => {
      const declared = wheelLicense(w) ?? 'no licence declared';
      const texts = w.licenseFiles.map((f) => `--- ${f.path} ---\n${f.text.trimEnd()}\n`);
      return [
        `${'='.repeat(72)}\n${w.name} ${w.version} (${declared})\n${'='.repeat(72)}\n`,
        ...(texts.length ? texts : [`(the wheel ships no licence file; its METADATA declares: ${declared})\n`]),
      ].join('\n');
    });
    fs.writeFileSync(
      licensesFile,
      `Third-party software vendored into ${input.manifest.id} ${input.manifest.version} by warden build.\n` +
        `The list with versions, package-urls and wheel hashes is in ${SBOM_FILE}.\n\n${sections.join('\n')}`,
    );
  }
  return {
    sbomFile,
    ...(input.wheels.length ? { licensesFile } : {}),
    components: input.wheels.map((w) => {
      const license = wheelLicense(w);
      return { name: normalizeName(w.name), version: w.version, ...(license ? { license } : {}) };
    }),
  };
}
