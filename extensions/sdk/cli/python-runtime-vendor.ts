/**
 * `warden build` of a Python extension: vendors Warden's patched Pyodide runtime (the files of
 * dist/sandbox/python/ and their runtime.json hashes) into `python_runtime/`, so `warden pack`
 * signs it into the .wext, and lists it in `sbom.cdx.json` (Pyodide and CPython, with every
 * file's SHA-256). The host runs the package on the runtime it carries, and on its own copy when
 * the bytes are the same (docs/python.md, "Packaging").
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseRuntimeInfo, PYTHON_RUNTIME_DIR, PYTHON_RUNTIME_INFO, SBOM_FILE } from '../../../electron/core';

/** Marks the SBOM entries this module writes, so a rebuild replaces them. */
const REF_PREFIX = 'warden:python-runtime:';

export interface VendoredRuntime {
  dir: string;
  pyodide: string;
  python?: string;
  files: Record<string, string>;
  bytes: number;
}

/** dist/sandbox/python, seen from the CLI's code (dist/cli/ or dist/cli/chunks/). */
function hostRuntimeDir(): string {
  const candidates = [
    path.join(__dirname, '..', 'sandbox', 'python'),
    path.join(__dirname, '..', '..', 'sandbox', 'python'),
  ];
  const found = candidates.find((d) => fs.existsSync(path.join(d, PYTHON_RUNTIME_INFO)));
  if (!found) throw new Error('the Python runtime is not built (dist/sandbox/python): run npm run build');
  return found;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Copies the runtime (only files whose copy differs) and writes its SBOM entries. */
export function vendorPythonRuntime(extDir: string, from = hostRuntimeDir()): VendoredRuntime {
  const infoBytes = fs.readFileSync(path.join(from, PYTHON_RUNTIME_INFO));
  const info = parseRuntimeInfo(infoBytes);
  const out = path.join(extDir, PYTHON_RUNTIME_DIR);
  fs.mkdirSync(out, { recursive: true });
  // Nothing but the runtime in the folder: a stale file would otherwise ride along unsigned-for.
  for (const name of fs.readdirSync(out))
    if (name !== PYTHON_RUNTIME_INFO && !(name in info.files)) fs.rmSync(path.join(out, name), { recursive: true });
  let bytes = infoBytes.length;
  for (const [name, want] of Object.entries(info.files)) {
    const src = fs.readFileSync(path.join(from, name));
    if (sha256(src) !== want) throw new Error(`the host's Python runtime file ${name} does not match its runtime.json`);
    bytes += src.length;
    const dest = path.join(out, name);
    const same = fs.existsSync(dest) && sha256(fs.readFileSync(dest)) === want;
    if (!same) fs.writeFileSync(dest, src);
  }
  fs.writeFileSync(path.join(out, PYTHON_RUNTIME_INFO), infoBytes);
  const python = cpythonVersion(path.join(from, 'pyodide-lock.json'));
  const v: VendoredRuntime = {
    dir: out,
    pyodide: info.pyodide,
    files: info.files,
    bytes,
    ...(python ? { python } : {}),
  };
  writeRuntimeSbom(extDir, v, sha256(infoBytes));
  return v;
}

/** The CPython version Pyodide was built from (pyodide-lock.json `info.python`). */
function cpythonVersion(lockFile: string): string | undefined {
  try {
    const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { info?: { python?: unknown } };
    return typeof lock.info?.python === 'string' ? lock.info.python : undefined;
  } catch {
    return undefined;
  }
}

interface CdxComponent {
  type: string;
  name: string;
  'bom-ref'?: string;
  [k: string]: unknown;
}

/** Adds (or replaces) the runtime's components in sbom.cdx.json, keeping whatever else it lists. */
function writeRuntimeSbom(extDir: string, v: VendoredRuntime, infoSha256: string): void {
  const file = path.join(extDir, SBOM_FILE);
  const manifest = JSON.parse(fs.readFileSync(path.join(extDir, 'manifest.json'), 'utf8')) as {
    id: string;
    version: string;
    publisher: string;
  };
  let bom: { components?: CdxComponent[]; [k: string]: unknown };
  try {
    bom = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof bom;
    if (bom.bomFormat !== 'CycloneDX') throw new Error('not CycloneDX');
  } catch {
    bom = {
      $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      version: 1,
      metadata: {
        tools: { components: [{ type: 'application', name: 'warden build', group: 'warden' }] },
        component: {
          type: 'application',
          name: manifest.id,
          version: manifest.version,
          'bom-ref': `${manifest.id}@${manifest.version}`,
          publisher: manifest.publisher,
        },
      },
      components: [],
    };
  }
  const kept = (bom.components ?? []).filter((c) => !String(c['bom-ref'] ?? '').startsWith(REF_PREFIX));
  const hash = (content: string) => [{ alg: 'SHA-256', content }];
  const runtime: CdxComponent[] = [
    {
      type: 'framework',
      name: 'pyodide',
      version: v.pyodide,
      'bom-ref': `${REF_PREFIX}pyodide`,
      purl: `pkg:npm/pyodide@${v.pyodide}`,
      description: `CPython compiled to WebAssembly, patched by Warden to run inside a SES Compartment (${PYTHON_RUNTIME_DIR}/)`,
      licenses: [{ license: { id: 'MPL-2.0' } }],
      // The hash of runtime.json, which names every file's hash (listed below as well).
      hashes: hash(infoSha256),
      properties: [{ name: 'warden:python-runtime:bytes', value: String(v.bytes) }],
      components: Object.entries(v.files)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, sha]) => ({
          type: 'file',
          name: `${PYTHON_RUNTIME_DIR}/${name}`,
          'bom-ref': `${REF_PREFIX}file:${name}`,
          hashes: hash(sha),
        })),
    },
    ...(v.python
      ? [
          {
            type: 'framework',
            name: 'cpython',
            version: v.python,
            'bom-ref': `${REF_PREFIX}cpython`,
            purl: `pkg:generic/cpython@${v.python}`,
            description: 'the Python interpreter and standard library inside the Pyodide runtime',
            licenses: [{ license: { id: 'PSF-2.0' } }],
          },
        ]
      : []),
  ];
  bom.components = [...kept, ...runtime];
  fs.writeFileSync(file, `${JSON.stringify(bom, null, 2)}\n`);
}
