/**
 * `warden pack`: signs an extension folder into a `.wext`.
 *
 * What ships (an allow-list, so `.env`, `.git`, `node_modules`, sources and test data never leak
 * into a package): `manifest.json`, the main bundle, its source map (`<main>.map`) if present,
 * the manifest's `icon`, and `README.md`, `LICENSE`/`LICENSE.md`/`LICENSE.txt`, `CHANGELOG.md`
 * when present; for a Python extension (`"runtime": "python"`), every `.py` file beneath main's
 * folder (supervision/python-files.ts). Nothing else is needed at run time: the bundle is one file, and an extension
 * cannot read its own package folder anyway (relative paths are its private data folder).
 *
 * The output is deterministic: sorted entries, normalised metadata (tar-write.ts), and with
 * `gzip`, a fixed level and no name or time in the gzip header. The same folder and key give the
 * same bytes (ed25519 signatures are deterministic too).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { KeyObject } from 'node:crypto';
import { loadExtensionFolder } from '../supervision/extension-loader';
import { pythonSourceFiles } from '../supervision/python-files';
import { checkVendoredWheels, vendoredWheelFiles } from './python-wheels';
import { vendoredRuntimeFiles } from '../supervision/python-package-runtime';
import { canonicalBytes } from './canonical-json';
import { DEFAULT_LIMITS, PACKAGE_FORMAT, PackageError, SIGNATURE_FILE } from './format';
import { pathProblem } from './paths';
import { sign, type KeyPair } from './signing';
import { encodeSignatureFile, sha256Hex, type SignedPayload } from './verify';
import { writeTar, type TarFile } from './tar-write';
import { LICENSES_FILE, parseSbom, SBOM_FILE } from './sbom';

// The SBOM and third-party licence texts `warden build` writes ship too, signed like the rest.
const OPTIONAL_FILES = ['README.md', 'LICENSE', 'LICENSE.md', 'LICENSE.txt', 'CHANGELOG.md', SBOM_FILE, LICENSES_FILE];

export interface PackResult {
  bytes: Buffer;
  id: string;
  version: string;
  files: string[];
  signed: SignedPayload;
}

/** The relative paths `pack` ships from a folder, given its manifest's main and icon. */
export function shippedFiles(dir: string, manifest: { main: string; icon?: string; runtime?: string }): string[] {
  const wanted = new Set(['manifest.json', manifest.main, ...OPTIONAL_FILES]);
  // A Python extension is its .py files (python-files.ts): all of them are signed and shipped.
  if (manifest.runtime === 'python') for (const f of pythonSourceFiles(dir, manifest.main)) wanted.add(f);
  // …and the wheels `warden build` vendored, with their index (python-wheels.ts).
  if (manifest.runtime === 'python') for (const f of vendoredWheelFiles(dir)) wanted.add(f);
  // …and the Python runtime `warden build` vendored (python-package-runtime.ts), signed too.
  if (manifest.runtime === 'python') for (const f of vendoredRuntimeFiles(dir)) wanted.add(f);
  if (manifest.icon) wanted.add(manifest.icon);
  if (exists(dir, `${manifest.main}.map`)) wanted.add(`${manifest.main}.map`);
  const required = new Set(['manifest.json', manifest.main, ...(manifest.icon ? [manifest.icon] : [])]);
  const out: string[] = [];
  for (const rel of wanted) {
    if (!exists(dir, rel)) {
      if (required.has(rel)) throw new PackageError(`${rel} not found in ${dir}`);
      continue;
    }
    out.push(rel);
  }
  return out.sort();
}

function exists(dir: string, rel: string): boolean {
  try {
    fs.lstatSync(path.join(dir, ...rel.split('/')));
    return true;
  } catch {
    return false;
  }
}

/** Reads one shipped file, refusing links and anything that is not a regular file. */
export function readShippedFile(dir: string, rel: string): Buffer {
  const problem = pathProblem(rel);
  if (problem) throw new PackageError(`${rel}: ${problem}`);
  const full = path.join(dir, ...rel.split('/'));
  const st = fs.lstatSync(full);
  if (st.isSymbolicLink()) throw new PackageError(`${rel} is a symbolic link (packages hold regular files only)`);
  if (!st.isFile()) throw new PackageError(`${rel} is not a regular file`);
  if (st.size > DEFAULT_LIMITS.entryBytes) {
    throw new PackageError(`${rel} is ${st.size} bytes, above the ${DEFAULT_LIMITS.entryBytes}-byte limit per file`);
  }
  return fs.readFileSync(full);
}

export interface PackOptions {
  /**
   * gzip the archive (default false). A plain tar installs at close to the speed of a file copy
   * (inflating costs more than hashing); servers can still compress in transit
   * (Content-Encoding). Compressed packages are read as well, with the same caps.
   */
  gzip?: boolean;
}

export async function packExtension(dir: string, key: KeyPair, options: PackOptions = {}): Promise<PackResult> {
  const loaded = await loadExtensionFolder(dir);
  if (!loaded.ok) throw new PackageError(`invalid extension: ${loaded.errors[0] ?? 'unknown problem'}`);
  const m = loaded.extension.manifest;
  const rels = shippedFiles(dir, m);
  const files: TarFile[] = [];
  const hashes: Record<string, string> = {};
  let total = 0;
  for (const rel of rels) {
    const data = readShippedFile(dir, rel);
    total += data.length;
    if (total > DEFAULT_LIMITS.totalBytes)
      throw new PackageError(`the package would exceed ${DEFAULT_LIMITS.totalBytes} bytes`);
    files.push({ path: rel, data });
    hashes[rel] = sha256Hex(data);
  }
  checkSbomDescribesBundle(files, m.main);
  checkVendoredWheels(files);
  const signed: SignedPayload = {
    format: PACKAGE_FORMAT,
    id: m.id,
    version: m.version,
    publisher: m.publisher,
    publicKey: key.publicKey,
    files: hashes,
  };
  const signature = signWith(key.privateKey, signed);
  files.push({ path: SIGNATURE_FILE, data: encodeSignatureFile(signed, signature) });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const tar = writeTar(files);
  const bytes = options.gzip ? zlib.gzipSync(tar, { level: 9 }) : tar;
  return { bytes, id: m.id, version: m.version, files: rels, signed };
}

/** An SBOM left from an earlier build describes another bundle: signing it would ship a false list. */
function checkSbomDescribesBundle(files: TarFile[], main: string): void {
  const sbomFile = files.find((f) => f.path === SBOM_FILE);
  if (!sbomFile) return;
  let bundleSha256: string | undefined;
  try {
    bundleSha256 = parseSbom(sbomFile.data).bundleSha256;
  } catch (err) {
    throw new PackageError(`${(err as Error).message}; rebuild with: warden build`);
  }
  const mainFile = files.find((f) => f.path === main);
  if (bundleSha256 && mainFile && bundleSha256 !== sha256Hex(mainFile.data)) {
    throw new PackageError(`${SBOM_FILE} describes another build of ${main} (stale); rebuild with: warden build`);
  }
}

export function signWith(privateKey: KeyObject, payload: unknown): string {
  return sign(privateKey, canonicalBytes(payload));
}
