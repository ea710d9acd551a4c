/**
 * The advisory feed a data folder trusts, and what it says about the installed extensions.
 *
 * Trusted keys: config.json `advisoryKeys`, plus `catalogKeys` (a catalog's key may sign the
 * feed that rides with it). A feed comes from a file the user names (`warden advisories --feed`),
 * from config.json `advisoryFeed` (a path, read at every start: offline by design), or from
 * `advisories.json` beside a catalog's index. An accepted feed is kept in
 * `<dataDir>/advisories/feed.json`; a feed whose version is below the kept one's (same key) is a
 * rollback and refused, as is the same version with other content.
 *
 * `scanInstalled` matches every installed extension's SBOM; `recordFindings` keeps the last
 * findings in `<dataDir>/advisories/findings.json` and returns the new ones, so the caller audits
 * each advisory once when it first applies (at start, or when the feed changes).
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { canonicalBytes } from './canonical-json';
import { PackageError } from './format';
import { readState, versionDir } from './install-state';
import { activeRecord } from './store';
import { readPackageSbom, type PackageSbom } from './sbom';
import { sha256Hex } from './verify';
import {
  indexAdvisories,
  matchAdvisories,
  MAX_FEED_BYTES,
  verifyAdvisoryFeed,
  type AdvisoryFeed,
  type AdvisoryFinding,
} from './advisories';
import { writeFileAtomic } from '../platform/atomic-write';
import { parseStrictJson } from '../../common/strict-json';

export const ADVISORY_FEED_FILE = 'advisories.json';

const feedDir = (dataDir: string) => path.join(dataDir, 'advisories');
const keptFeed = (dataDir: string) => path.join(feedDir(dataDir), 'feed.json');
const findingsFile = (dataDir: string) => path.join(feedDir(dataDir), 'findings.json');

export interface AdvisoryConfig {
  trustedKeys: string[];
  /** A feed file read at every start (config.json `advisoryFeed`, relative to the data folder). */
  feed?: string;
}

/** config.json's advisory settings: `advisoryKeys` + `catalogKeys`, and `advisoryFeed`. */
export async function readAdvisoryConfig(dataDir: string): Promise<AdvisoryConfig> {
  let json: unknown;
  try {
    json = parseStrictJson(await fsp.readFile(path.join(dataDir, 'config.json'), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { trustedKeys: [] };
    throw new PackageError('config.json is not valid JSON', 'refused');
  }
  const parsed = z
    .object({
      catalogKeys: z.array(z.string()).optional(),
      advisoryKeys: z.array(z.string()).optional(),
      advisoryFeed: z.string().optional(),
    })
    .safeParse(json);
  if (!parsed.success)
    throw new PackageError('config.json: advisoryKeys must be a list of base64 keys, advisoryFeed a path', 'refused');
  const d = parsed.data;
  return {
    trustedKeys: [...new Set([...(d.advisoryKeys ?? []), ...(d.catalogKeys ?? [])])],
    ...(d.advisoryFeed ? { feed: path.resolve(dataDir, d.advisoryFeed) } : {}),
  };
}

async function readCapped(file: string): Promise<Buffer> {
  const st = await fsp.stat(file).catch(() => undefined);
  if (!st?.isFile()) throw new PackageError(`no advisory feed at ${file}`, 'not-found');
  if (st.size > MAX_FEED_BYTES) throw new PackageError(`advisory feed is larger than ${MAX_FEED_BYTES} bytes`);
  return fsp.readFile(file);
}

/**
 * Verifies feed bytes and keeps them as the data folder's feed unless the kept one is newer.
 * `changed` says whether the kept feed is now a different one (callers re-scan and audit).
 */
export async function importAdvisoryFeed(
  dataDir: string,
  bytes: Uint8Array,
  opts: { trustedKeys: string[]; now?: () => number },
): Promise<{ feed: AdvisoryFeed; changed: boolean }> {
  const feed = verifyAdvisoryFeed(bytes, opts);
  const kept = await readCapped(keptFeed(dataDir)).catch(() => undefined);
  let old: AdvisoryFeed | undefined;
  if (kept) {
    try {
      // The kept feed only has to have been valid: an expired one is still the rollback floor.
      old = verifyAdvisoryFeed(kept, { trustedKeys: opts.trustedKeys, now: () => 0 });
    } catch {
      old = undefined; // its key is no longer trusted, or it was damaged: the new feed replaces it
    }
  }
  if (old && old.publicKey === feed.publicKey) {
    if (feed.signed.version < old.signed.version) {
      throw new PackageError(
        `advisory feed version ${feed.signed.version} is older than version ${old.signed.version} already seen (rollback)`,
        'refused',
      );
    }
    const same = sha256Hex(canonicalBytes(feed.signed)) === sha256Hex(canonicalBytes(old.signed));
    if (feed.signed.version === old.signed.version) {
      if (!same)
        throw new PackageError(
          `advisory feed version ${feed.signed.version} differs from the one already seen with that version`,
          'refused',
        );
      return { feed, changed: false };
    }
  }
  await fsp.mkdir(feedDir(dataDir), { recursive: true, mode: 0o700 });
  await writeFileAtomic(keptFeed(dataDir), bytes, 0o644);
  return { feed, changed: true };
}

/**
 * The feed to match with: the configured feed file (imported when newer) or else the kept one.
 * `problem` says why there is none or why the kept one is not used (expired, untrusted key).
 */
export async function loadAdvisoryFeed(
  dataDir: string,
  opts: { trustedKeys?: string[]; extraFeed?: string; now?: () => number } = {},
): Promise<{ feed?: AdvisoryFeed; changed: boolean; problem?: string }> {
  const config = await readAdvisoryConfig(dataDir);
  const trustedKeys = [...config.trustedKeys, ...(opts.trustedKeys ?? [])];
  let changed = false;
  // A feed the user names is an explicit act: its refusal is an error, not a note.
  if (opts.extraFeed) {
    const r = await importAdvisoryFeed(dataDir, await readCapped(opts.extraFeed), { trustedKeys, now: opts.now });
    changed = r.changed;
  } else if (config.feed) {
    try {
      const r = await importAdvisoryFeed(dataDir, await readCapped(config.feed), { trustedKeys, now: opts.now });
      changed = r.changed;
    } catch (err) {
      const kept = await loadKept(dataDir, trustedKeys, opts.now);
      return { ...kept, changed: false, problem: `configured feed refused: ${(err as Error).message}` };
    }
  }
  return { ...(await loadKept(dataDir, trustedKeys, opts.now)), changed };
}

async function loadKept(
  dataDir: string,
  trustedKeys: string[],
  now?: () => number,
): Promise<{ feed?: AdvisoryFeed; problem?: string }> {
  let bytes: Buffer;
  try {
    bytes = await readCapped(keptFeed(dataDir));
  } catch {
    return { problem: 'no advisory feed (pass --feed <file>, or set "advisoryFeed" in config.json)' };
  }
  try {
    return { feed: verifyAdvisoryFeed(bytes, { trustedKeys, now }) };
  } catch (err) {
    return { problem: `the kept advisory feed is not used: ${(err as Error).message}` };
  }
}

export interface ExtensionAdvisories {
  id: string;
  version: string;
  sbom: PackageSbom;
  findings: AdvisoryFinding[];
}

/** Matches the active version of every installed extension against the feed. */
export async function scanInstalled(dataDir: string, feed: AdvisoryFeed | undefined): Promise<ExtensionAdvisories[]> {
  const state = await readState(dataDir);
  const index = feed ? indexAdvisories(feed.signed.records) : undefined;
  const out: ExtensionAdvisories[] = [];
  for (const id of Object.keys(state.extensions).sort()) {
    const rec = state.extensions[id]!;
    let sbom: PackageSbom;
    try {
      sbom = await readPackageSbom(versionDir(dataDir, id, activeRecord(rec)));
    } catch (err) {
      sbom = { status: 'invalid', problem: (err as Error).message };
    }
    const findings = index && sbom.status === 'present' ? matchAdvisories(sbom.components, index) : [];
    out.push({ id, version: rec.active, sbom, findings });
  }
  return out;
}

const findingKey = (id: string, version: string, f: AdvisoryFinding) =>
  `${id}@${version} ${f.package}@${f.version} ${f.id}`;

/** Keeps this scan's findings; returns those not seen in the previous scan (to audit once each). */
export async function recordFindings(
  dataDir: string,
  scan: ExtensionAdvisories[],
): Promise<Array<{ id: string; version: string; finding: AdvisoryFinding }>> {
  let previous = new Set<string>();
  try {
    const json = parseStrictJson(await fsp.readFile(findingsFile(dataDir), 'utf8'));
    const parsed = z.array(z.string()).safeParse(json);
    if (parsed.success) previous = new Set(parsed.data);
  } catch {
    // first scan
  }
  const now: string[] = [];
  const fresh: Array<{ id: string; version: string; finding: AdvisoryFinding }> = [];
  for (const e of scan) {
    for (const f of e.findings) {
      const key = findingKey(e.id, e.version, f);
      now.push(key);
      if (!previous.has(key)) fresh.push({ id: e.id, version: e.version, finding: f });
    }
  }
  await fsp.mkdir(feedDir(dataDir), { recursive: true, mode: 0o700 });
  await writeFileAtomic(findingsFile(dataDir), `${JSON.stringify(now.sort())}\n`, 0o644);
  return fresh;
}
