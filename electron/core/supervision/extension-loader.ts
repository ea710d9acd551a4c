/**
 * Reads an extension folder: `manifest.json` (validated, every error naming the field), the
 * engine range, and the main bundle. Errors are lines a developer can act on, naming the file.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { parseManifest, type Manifest } from '../../common/manifest';
import { WARDEN_API_VERSION } from '../../common/version';
import { parseStrictJson } from '../../common/strict-json';

/** Larger bundles cannot travel in one channel message; 16 MiB is far above real extensions. */
export const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

export interface LoadedExtension {
  dir: string;
  manifest: Manifest;
  mainPath: string;
  /** Set for installed packages: the main file must still hash to this at every activation. */
  integrity?: {
    mainSha256: string;
    /** The package's signed file list (path → SHA-256): wheels and a vendored Python runtime are checked against it. */
    files?: Readonly<Record<string, string>>;
  };
  /** A folder loaded in developer mode, without a signature. */
  unsigned?: boolean;
  /** The publisher key fingerprint grants are bound to (from the package signature). */
  publisherKey?: string;
}

export type LoadResult = { ok: true; extension: LoadedExtension } | { ok: false; errors: string[] };

export async function loadExtensionFolder(dir: string): Promise<LoadResult> {
  const manifestPath = path.join(dir, 'manifest.json');
  let text: string;
  try {
    text = await fs.readFile(manifestPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ok: false,
      errors: [code === 'ENOENT' ? `manifest.json not found in ${dir}` : `manifest.json cannot be read (${code})`],
    };
  }
  let json: unknown;
  try {
    json = parseStrictJson(text);
  } catch (err) {
    return { ok: false, errors: [`manifest.json: not valid JSON: ${describeJsonError(err, text)}`] };
  }
  const parsed = parseManifest(json);
  if (!parsed.ok) return { ok: false, errors: parsed.errors.map((e) => `manifest.json: ${e}`) };
  const manifest = parsed.manifest;
  if (!semver.satisfies(WARDEN_API_VERSION, manifest.engines.warden)) {
    return {
      ok: false,
      errors: [
        `manifest.json: engines.warden: "${manifest.engines.warden}" does not include this host's API ${WARDEN_API_VERSION}`,
      ],
    };
  }
  const mainPath = path.join(dir, ...manifest.main.split('/'));
  try {
    const st = await fs.stat(mainPath);
    if (!st.isFile()) return { ok: false, errors: [`${manifest.main}: not a file (manifest.json "main")`] };
    if (st.size > MAX_BUNDLE_BYTES) {
      return {
        ok: false,
        errors: [`${manifest.main}: ${st.size} bytes is larger than the ${MAX_BUNDLE_BYTES}-byte limit`],
      };
    }
  } catch {
    return { ok: false, errors: [`${manifest.main}: not found (manifest.json "main"; run \`warden build\` first?)`] };
  }
  return { ok: true, extension: { dir, manifest, mainPath } };
}

function describeJsonError(err: unknown, text: string): string {
  const message = err instanceof Error ? err.message : 'parse error';
  const pos = /position (\d+)/.exec(message);
  if (!pos) return message;
  const before = text.slice(0, Number(pos[1]));
  const line = before.split('\n').length;
  const col = before.length - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${col}`;
}
