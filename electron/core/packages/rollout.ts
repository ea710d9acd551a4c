/**
 * Staged rollout: a catalog entry may carry `rollout` (0–100, absent = 100), and each
 * installation has a stable random bucket 0–99 kept in `<dataDir>/install-id.json`. A version
 * reaches this installation only when bucket < rollout, so a new version goes to a cohort first.
 * The admin policy may opt out (`updates.staged: false`: newest at once) and pin versions
 * (`extensions.pin`). Tests may force a bucket by writing the file before the first run.
 */
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { z } from 'zod';
import type { Catalog, CatalogPackage } from './catalog';
import { PackageError } from './format';
import { parseStrictJson } from '../../common/strict-json';

export const BUCKET_FILE = 'install-id.json';

const BucketFileSchema = z.strictObject({ bucket: z.number().int().min(0).max(99) });

/** What the admin policy says about updates (policy `updates.staged`, `extensions.pin`). */
export interface UpdatePolicy {
  staged: boolean;
  /** id → exact version or semver range. */
  pins: Record<string, string>;
}

async function readBucket(file: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const r = BucketFileSchema.safeParse(parseStrictJsonSafe(text));
  if (!r.success) throw new PackageError(`${BUCKET_FILE} in the data folder is damaged (expected {"bucket": 0-99})`);
  return r.data.bucket;
}

const parseStrictJsonSafe = (text: string): unknown => {
  try {
    return parseStrictJson(text);
  } catch {
    return undefined;
  }
};

/**
 * This installation's bucket, created once. The file is written aside and hard-linked into
 * place, so two first runs racing agree on one value (the link of the second fails, it reads).
 */
export async function installationBucket(dataDir: string): Promise<number> {
  const file = path.join(dataDir, BUCKET_FILE);
  const existing = await readBucket(file);
  if (existing !== undefined) return existing;
  await fsp.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const bucket = crypto.randomInt(100);
  const tmp = path.join(dataDir, `.${BUCKET_FILE}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const handle = await fsp.open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify({ bucket })}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fsp.link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await fsp.rm(tmp, { force: true });
  }
  return (await readBucket(file))!;
}

/** Why policy `extensions.pin` refuses this version, or undefined. */
export function pinProblem(pins: Record<string, string>, id: string, version: string): string | undefined {
  const pin = Object.hasOwn(pins, id) ? pins[id] : undefined;
  if (pin === undefined || semver.satisfies(version, pin)) return undefined;
  return `${id} ${version} is outside the administrator's pin "${pin}" (policy extensions.pin): refused`;
}

export function stagedNote(pkg: CatalogPackage): string {
  return `${pkg.version} is rolling out to ${pkg.rollout ?? 100}% of installations; not yet to this one`;
}

export interface CatalogChoice {
  /** The newest version this installation may take (not blocklisted, inside the pin, in its cohort). */
  chosen?: CatalogPackage;
  /** The newest non-blocklisted version, whatever the pin and rollout say. */
  newest?: CatalogPackage;
}

/** Picks the version of `id` a catalog offers this installation. */
export function chooseVersion(catalog: Catalog, id: string, policy: UpdatePolicy, bucket: number): CatalogChoice {
  const versions = catalog.index.packages
    .filter((p) => p.id === id && !catalog.blocked(p.id, p.version, p.sha256))
    .sort((a, b) => semver.rcompare(a.version, b.version));
  const chosen = versions.find(
    (p) => !pinProblem(policy.pins, id, p.version) && (!policy.staged || bucket < (p.rollout ?? 100)),
  );
  return { chosen, newest: versions[0] };
}

/** Why the newest version is not offered (staged or pinned out), or undefined when it is. */
export function heldBackReason(choice: CatalogChoice, policy: UpdatePolicy, bucket: number): string | undefined {
  const n = choice.newest;
  if (!n || n === choice.chosen) return undefined;
  const pinned = pinProblem(policy.pins, n.id, n.version);
  if (pinned) return pinned;
  if (policy.staged && bucket >= (n.rollout ?? 100)) return stagedNote(n);
  return undefined;
}

/** What a catalog offers this installation for `id`: the version it may take, and why a newer one waits. */
export async function catalogOffer(
  dataDir: string,
  catalog: Catalog,
  id: string,
  policy: UpdatePolicy,
): Promise<{ version?: string; staged?: string }> {
  const bucket = policy.staged ? await installationBucket(dataDir) : 0;
  const choice = chooseVersion(catalog, id, policy, bucket);
  const staged = heldBackReason(choice, policy, bucket);
  return { ...(choice.chosen ? { version: choice.chosen.version } : {}), ...(staged ? { staged } : {}) };
}
