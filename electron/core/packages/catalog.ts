/**
 * Catalogs: a signed index of packages and a blocklist, read from a folder or an http(s) URL.
 *
 * `index.json` = `{ signed: { format: 1, version, expires, packages, blocklist }, publicKey,
 * signature }`, the signature an ed25519 signature over the canonical JSON of `signed`. A reader
 * trusts only the catalog keys it is configured with (`<dataDir>/config.json` `catalogKeys`, or
 * passed in), and refuses (TUF threats): a bad signature; an expired index (freeze); an index
 * version lower than the last one seen for that key, or the same version with other content
 * (rollback, mix-and-match); a package whose size or SHA-256 differs from the index, or whose
 * id, version or key differ from what the index lists; more bytes than announced (endless data).
 * Each accepted index replaces that key's blocklist in state.json: a blocklisted id+version cannot
 * be installed, and an installed one is marked blocked and refused by loadInstalled.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { z } from 'zod';
import { canonicalBytes } from './canonical-json';
import { extractPackage } from './extract';
import { DEFAULT_LIMITS, PACKAGE_EXT, PackageError } from './format';
import { acquireLock, readState, writeState } from './install-state';
import { pathProblem } from './paths';
import { decodePublicKey, fingerprintOf, sign, verifySignature, type KeyPair } from './signing';
import { sha256Hex, verifyPackage } from './verify';
import { parseStrictJson } from '../../common/strict-json';

export const INDEX_FILE = 'index.json';
const MAX_INDEX_BYTES = 8 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 60_000;

const PackageEntrySchema = z.strictObject({
  id: z.string().min(1).max(128),
  version: z.string().refine((v) => semver.valid(v) === v, 'expected a semantic version'),
  file: z
    .string()
    .refine((f) => !f.includes('/') && !pathProblem(f) && f.endsWith(PACKAGE_EXT), 'expected a plain .wext file name'),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  publisher: z.string().min(1).max(64),
  publicKey: z.string().max(64),
  name: z.string().max(100).optional(),
  description: z.string().max(1000).optional(),
  /** Staged rollout (rollout.ts): the percentage of installations this version reaches; absent = 100. */
  rollout: z.number().int().min(0).max(100).optional(),
});
export type CatalogPackage = z.infer<typeof PackageEntrySchema>;

const BlockSchema = z.strictObject({
  id: z.string().min(1).max(128),
  version: z.string().min(1).max(64),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type CatalogBlock = z.infer<typeof BlockSchema>;

const IndexSignedSchema = z.strictObject({
  format: z.literal(1),
  version: z.number().int().positive(),
  expires: z.string().max(40),
  packages: z.array(PackageEntrySchema).max(10_000),
  blocklist: z.array(BlockSchema).max(10_000),
});
export type CatalogIndex = z.infer<typeof IndexSignedSchema>;

const IndexFileSchema = z.strictObject({
  signed: IndexSignedSchema,
  publicKey: z.string().max(64),
  signature: z.string().max(128),
});

export interface Catalog {
  source: string;
  index: CatalogIndex;
  /** Fingerprint of the key that signed it. */
  fingerprint: string;
  /** Is this id+version (and package hash) on the blocklist? */
  blocked(id: string, version: string, sha256?: string): boolean;
  /** The highest version of `id` that is not blocklisted. */
  latest(id: string): CatalogPackage | undefined;
  search(text: string): CatalogPackage[];
  /**
   * A local path to the package's bytes, checked against the index's size and SHA-256: the file
   * itself for a folder catalog, a download (capped at the announced size) for a URL. Call
   * `done()` when finished with it.
   */
  fetchPackage(pkg: CatalogPackage, tmpDir: string): Promise<{ file: string; done(): Promise<void> }>;
}

export interface CatalogReadOptions {
  /** base64 raw ed25519 keys trusted to sign catalogs. */
  trustedKeys: string[];
  now?: () => number;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/** Reads `<dataDir>/config.json` `catalogKeys` (and `catalog`, a default source). */
export function readCatalogConfig(dataDir: string): { catalogKeys: string[]; catalog?: string } {
  let json: unknown;
  try {
    json = parseStrictJson(fs.readFileSync(path.join(dataDir, 'config.json'), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { catalogKeys: [] };
    throw new PackageError(`${path.join(dataDir, 'config.json')} is not valid JSON`, 'refused');
  }
  const parsed = z
    .object({ catalogKeys: z.array(z.string()).optional(), catalog: z.string().optional() })
    .safeParse(json);
  if (!parsed.success)
    throw new PackageError('config.json: catalogKeys must be a list of base64 public keys', 'refused');
  return {
    catalogKeys: parsed.data.catalogKeys ?? [],
    ...(parsed.data.catalog ? { catalog: parsed.data.catalog } : {}),
  };
}

/** Reads a response body, refusing more than `cap` bytes (without waiting for the rest). */
async function fetchCapped(url: string, cap: number, what: string): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (err) {
    throw new PackageError(`cannot fetch ${url} (${(err as Error).message})`, 'not-found');
  }
  if (!res.ok) throw new PackageError(`cannot fetch ${url} (HTTP ${res.status})`, 'not-found');
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > cap) {
    await res.body?.cancel().catch(() => {});
    throw new PackageError(`${what} is larger than ${cap} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > cap) {
      await reader.cancel().catch(() => {});
      throw new PackageError(`${what} sent more than ${cap} bytes`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

function locate(source: string): { indexUrl: string; base: string } {
  if (isUrl(source)) {
    const u = new URL(source);
    if (u.pathname.endsWith('.json')) return { indexUrl: u.href, base: new URL('.', u).href };
    const base = u.href.endsWith('/') ? u.href : `${u.href}/`;
    return { indexUrl: new URL(INDEX_FILE, base).href, base };
  }
  const abs = path.resolve(source);
  if (abs.endsWith('.json')) return { indexUrl: abs, base: path.dirname(abs) };
  return { indexUrl: path.join(abs, INDEX_FILE), base: abs };
}

/** Parses and verifies index bytes against the trusted keys and the clock (no state involved). */
export function verifyIndex(
  bytes: Buffer,
  opts: CatalogReadOptions,
): { index: CatalogIndex; publicKey: string; fingerprint: string } {
  let json: unknown;
  try {
    json = parseStrictJson(bytes.toString('utf8'));
  } catch (err) {
    throw new PackageError(`catalog index is not valid JSON (${(err as Error).message})`);
  }
  const parsed = IndexFileSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new PackageError(`catalog index is malformed (${i ? `${i.path.join('.')}: ${i.message}` : 'unknown'})`);
  }
  const { signed, publicKey, signature } = parsed.data;
  decodePublicKey(publicKey); // a small-order or malformed key is refused, trusted or not
  if (opts.trustedKeys.length === 0) {
    throw new PackageError(
      'no trusted catalog keys: add one to config.json "catalogKeys" or pass --trust-catalog-key',
      'refused',
    );
  }
  if (!opts.trustedKeys.includes(publicKey))
    throw new PackageError('catalog index is signed by a key that is not trusted', 'refused');
  if (!verifySignature(publicKey, canonicalBytes(signed), signature)) {
    throw new PackageError('bad catalog signature: the index was changed after signing');
  }
  const expires = Date.parse(signed.expires);
  if (Number.isNaN(expires)) throw new PackageError('catalog index has an invalid expiry time');
  const now = (opts.now ?? Date.now)();
  if (expires <= now)
    throw new PackageError(`catalog index expired on ${new Date(expires).toISOString()} (stale or frozen)`, 'refused');
  return { index: signed, publicKey, fingerprint: fingerprintOf(publicKey) };
}

/**
 * Reads, verifies and records a catalog: the index version must not go backwards for its key,
 * and its blocklist replaces that key's previous one in state.json.
 */
export async function openCatalog(
  dataDir: string,
  source: string,
  opts: CatalogReadOptions & { lockTimeoutMs?: number },
): Promise<Catalog> {
  const { indexUrl, base } = locate(source);
  let bytes: Buffer;
  if (isUrl(indexUrl)) bytes = await fetchCapped(indexUrl, MAX_INDEX_BYTES, 'catalog index');
  else {
    const st = await fsp.stat(indexUrl).catch(() => undefined);
    if (!st?.isFile()) throw new PackageError(`no catalog index at ${indexUrl}`, 'not-found');
    if (st.size > MAX_INDEX_BYTES) throw new PackageError(`catalog index is larger than ${MAX_INDEX_BYTES} bytes`);
    bytes = await fsp.readFile(indexUrl);
  }
  const { index, fingerprint } = verifyIndex(bytes, opts);
  const digest = sha256Hex(canonicalBytes(index));
  const lock = await acquireLock(dataDir, opts.lockTimeoutMs);
  try {
    const state = await readState(dataDir);
    const last = state.catalogs[fingerprint];
    if (last && index.version < last.version) {
      throw new PackageError(
        `catalog index version ${index.version} is older than version ${last.version} already seen (rollback)`,
        'refused',
      );
    }
    if (last && index.version === last.version && last.sha256 !== digest) {
      throw new PackageError(
        `catalog index version ${index.version} differs from the one already seen with that version`,
        'refused',
      );
    }
    if (!last || last.version !== index.version) {
      state.catalogs[fingerprint] = {
        version: index.version,
        sha256: digest,
        expires: index.expires,
        seenAt: Date.now(),
      };
      state.blocklist = [
        ...state.blocklist.filter((b) => b.catalog !== fingerprint),
        ...index.blocklist.map((b) => ({ ...b, catalog: fingerprint })),
      ];
      await writeState(dataDir, state);
    }
  } finally {
    await lock.release();
  }
  return makeCatalog(source, base, index, fingerprint);
}

function makeCatalog(source: string, base: string, index: CatalogIndex, fingerprint: string): Catalog {
  const blocked = (id: string, version: string, sha256?: string) =>
    index.blocklist.some((b) => b.id === id && b.version === version && (!b.sha256 || !sha256 || b.sha256 === sha256));
  return {
    source,
    index,
    fingerprint,
    blocked,
    latest(id) {
      return index.packages
        .filter((p) => p.id === id && !blocked(p.id, p.version, p.sha256))
        .sort((a, b) => semver.rcompare(a.version, b.version))[0];
    },
    search(text) {
      const t = text.toLowerCase();
      const best = new Map<string, CatalogPackage>();
      for (const p of index.packages) {
        const hay = `${p.id} ${p.publisher} ${p.name ?? ''} ${p.description ?? ''}`.toLowerCase();
        if (!hay.includes(t)) continue;
        const cur = best.get(p.id);
        if (!cur || semver.gt(p.version, cur.version)) best.set(p.id, p);
      }
      return [...best.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    },
    async fetchPackage(pkg, tmpDir) {
      if (isUrl(base)) {
        const bytes = await fetchCapped(new URL(pkg.file, base).href, pkg.size, `${pkg.file}`);
        checkBytes(pkg, bytes.length, sha256Hex(bytes));
        await fsp.mkdir(tmpDir, { recursive: true, mode: 0o700 });
        const file = path.join(tmpDir, `${crypto.randomBytes(8).toString('hex')}${PACKAGE_EXT}`);
        await fsp.writeFile(file, bytes, { mode: 0o600 });
        return { file, done: () => fsp.rm(file, { force: true }) };
      }
      const file = path.join(base, pkg.file);
      const st = await fsp.stat(file).catch(() => undefined);
      if (!st?.isFile()) throw new PackageError(`${pkg.file} is listed in the catalog but missing`, 'not-found');
      if (st.size !== pkg.size) throw new PackageError(`${pkg.file} is ${st.size} bytes, the catalog says ${pkg.size}`);
      const hash = crypto.createHash('sha256');
      for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
      checkBytes(pkg, st.size, hash.digest('hex'));
      return { file, done: async () => {} };
    },
  };
}

function checkBytes(pkg: CatalogPackage, size: number, sha256: string): void {
  if (size !== pkg.size) throw new PackageError(`${pkg.file} is ${size} bytes, the catalog says ${pkg.size}`);
  if (sha256 !== pkg.sha256) throw new PackageError(`${pkg.file} does not match the SHA-256 in the catalog`);
}

export interface BuildCatalogOptions {
  out?: string;
  /** Default: the previous index's version + 1 (or 1). */
  version?: number;
  expiresDays?: number;
  /** Added to the previous index's blocklist (a blocklist never shrinks by accident). */
  block?: CatalogBlock[];
  /** Staged rollout per `id@version` (0–100); versions not named reach every installation. */
  rollout?: Record<string, number>;
  now?: () => number;
}

/** Signs an index of every `.wext` in `dir` (each verified first). Returns the index written. */
export async function buildCatalog(
  dir: string,
  key: KeyPair,
  opts: BuildCatalogOptions = {},
): Promise<{ file: string; index: CatalogIndex }> {
  const out = opts.out ?? path.join(dir, INDEX_FILE);
  let previous: CatalogIndex | undefined;
  try {
    const prevJson = parseStrictJson(await fsp.readFile(out, 'utf8'));
    const p = IndexFileSchema.safeParse(prevJson);
    if (p.success) previous = p.data.signed;
  } catch {
    // no previous index
  }
  const names = (await fsp.readdir(dir)).filter((n) => n.endsWith(PACKAGE_EXT)).sort();
  const packages: CatalogPackage[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    const file = path.join(dir, name);
    let extracted;
    let pkg;
    try {
      extracted = await extractPackage(file, undefined, { limits: DEFAULT_LIMITS });
      pkg = verifyPackage(extracted);
    } catch (err) {
      throw new PackageError(`${name}: ${(err as Error).message}`);
    }
    const key2 = `${pkg.id}@${pkg.version}`;
    if (seen.has(key2)) throw new PackageError(`${name}: ${key2} appears twice in ${dir}`);
    seen.add(key2);
    packages.push({
      id: pkg.id,
      version: pkg.version,
      file: name,
      size: extracted.packageSize,
      sha256: extracted.packageSha256,
      publisher: pkg.publisher,
      publicKey: pkg.publicKey,
      name: pkg.manifest.name,
      ...(pkg.manifest.description ? { description: pkg.manifest.description } : {}),
      ...(opts.rollout && Object.hasOwn(opts.rollout, key2) ? { rollout: opts.rollout[key2] } : {}),
    });
  }
  for (const named of Object.keys(opts.rollout ?? {}))
    if (!seen.has(named)) throw new PackageError(`--rollout names ${named}, which is not in ${dir}`);
  const blocklist: CatalogBlock[] = [...(previous?.blocklist ?? [])];
  for (const b of opts.block ?? []) {
    if (!blocklist.some((x) => x.id === b.id && x.version === b.version && x.sha256 === b.sha256)) blocklist.push(b);
  }
  const version = opts.version ?? (previous ? previous.version + 1 : 1);
  if (previous && version <= previous.version) {
    throw new PackageError(`index version ${version} must be above the previous ${previous.version}`, 'refused');
  }
  const now = (opts.now ?? Date.now)();
  const index: CatalogIndex = {
    format: 1,
    version,
    expires: new Date(now + (opts.expiresDays ?? 30) * 86_400_000).toISOString(),
    packages,
    blocklist,
  };
  const signature = sign(key.privateKey, canonicalBytes(index));
  const body = `${JSON.stringify({ signed: index, publicKey: key.publicKey, signature }, null, 2)}\n`;
  const tmp = `${out}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  await fsp.writeFile(tmp, body, { mode: 0o644 });
  await fsp.rename(tmp, out);
  return { file: out, index };
}
