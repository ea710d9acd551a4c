/**
 * Vulnerable-dependency alerts: a signed feed of OSV records (https://ossf.github.io/osv-schema/)
 * matched against the packages an extension's SBOM says it bundles.
 *
 * The feed is built like a catalog index, with the same trust model: `{ signed: { format: 1,
 * kind: 'advisories', version, expires, records: [OSV…] }, publicKey, signature }`, an ed25519
 * signature (strict: ed25519-strict.ts) over the canonical JSON of `signed`, by a key the user or
 * admin trusts (config.json `advisoryKeys` or `catalogKeys`). Refused: a bad signature, an
 * untrusted key, an expired feed, and (advisories-store.ts) a version lower than one already seen.
 *
 * Matching follows OSV: a package is affected when its version is in `affected[].versions`, or
 * inside a SEMVER/ECOSYSTEM range (npm ranges are typed ECOSYSTEM in the GitHub database), the
 * events sorted by version and walked in order: `introduced` opens ("0" = from the first
 * version), `fixed` and `limit` close before themselves, `last_affected` closes after itself.
 * Versions compare as semver, prereleases in order (4.17.21-rc.1 is before the fix 4.17.21): plain
 * comparisons, never `satisfies` with a range string, which would skip prereleases.
 */
import semver from 'semver';
import { PackageURL } from 'packageurl-js';
import { z } from 'zod';
import { canonicalBytes } from './canonical-json';
import { PackageError } from './format';
import { decodePublicKey, fingerprintOf, sign, verifySignature, type KeyPair } from './signing';
import type { SbomComponent } from './sbom';
import { parseStrictJson } from '../../common/strict-json';

export const ADVISORY_FEED_FORMAT = 1;
export const MAX_FEED_BYTES = 32 * 1024 * 1024;

export const SEVERITIES = ['unknown', 'low', 'moderate', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const str = (max: number) => z.string().max(max);
const EventSchema = z.union([
  z.strictObject({ introduced: str(256) }),
  z.strictObject({ fixed: str(256) }),
  z.strictObject({ last_affected: str(256) }),
  z.strictObject({ limit: str(256) }),
]);

/** An OSV record: the fields matching and showing need; others (details, references…) pass through. */
const OsvRecordSchema = z.looseObject({
  schema_version: str(20).optional(),
  id: z.string().min(1).max(100),
  modified: str(40).optional(),
  published: str(40).optional(),
  withdrawn: str(40).optional(),
  aliases: z.array(str(100)).max(100).optional(),
  summary: str(1000).optional(),
  details: str(100_000).optional(),
  severity: z
    .array(z.looseObject({ type: str(40), score: str(200) }))
    .max(10)
    .optional(),
  affected: z
    .array(
      z.looseObject({
        package: z.looseObject({ ecosystem: str(100), name: str(214), purl: str(2048).optional() }).optional(),
        ranges: z
          .array(z.looseObject({ type: str(20), repo: str(2048).optional(), events: z.array(EventSchema).max(200) }))
          .max(50)
          .optional(),
        versions: z.array(str(256)).max(10_000).optional(),
        ecosystem_specific: z.looseObject({ severity: str(40).optional() }).optional(),
        database_specific: z.looseObject({ severity: str(40).optional() }).optional(),
      }),
    )
    .max(1000)
    .optional(),
  database_specific: z.looseObject({ severity: str(40).optional() }).optional(),
});
export type OsvRecord = z.infer<typeof OsvRecordSchema>;

const FeedSignedSchema = z.strictObject({
  format: z.literal(ADVISORY_FEED_FORMAT),
  kind: z.literal('advisories'),
  version: z.number().int().positive(),
  expires: str(40),
  records: z.array(OsvRecordSchema).max(200_000),
});
export type AdvisoryFeedSigned = z.infer<typeof FeedSignedSchema>;

const FeedFileSchema = z.strictObject({
  signed: FeedSignedSchema,
  publicKey: str(64),
  signature: str(128),
});

export interface AdvisoryFeed {
  signed: AdvisoryFeedSigned;
  publicKey: string;
  fingerprint: string;
}

/** Parses OSV records (a JSON array, or one record) as a publisher hands them to `advisories sign`. */
export function parseOsvRecords(text: string): OsvRecord[] {
  const json = parseStrictJson(text);
  const parsed = z
    .union([z.array(OsvRecordSchema), OsvRecordSchema.transform((r) => [r])])
    .safeParse(
      Array.isArray(json) || typeof json !== 'object' || json === null || !('records' in json) ? json : json.records,
    );
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new PackageError(`not OSV records (${i ? `${i.path.join('.')}: ${i.message}` : '?'})`);
  }
  return parsed.data;
}

/** Signs OSV records into a feed file (what `warden advisories sign` writes). */
export function signAdvisoryFeed(
  records: OsvRecord[],
  key: KeyPair,
  opts: { version: number; expiresDays?: number; now?: () => number },
): string {
  const now = (opts.now ?? Date.now)();
  const signed: AdvisoryFeedSigned = {
    format: ADVISORY_FEED_FORMAT,
    kind: 'advisories',
    version: opts.version,
    expires: new Date(now + (opts.expiresDays ?? 30) * 86_400_000).toISOString(),
    records,
  };
  const signature = sign(key.privateKey, canonicalBytes(signed));
  return `${JSON.stringify({ signed, publicKey: key.publicKey, signature }, null, 2)}\n`;
}

/** Parses and verifies feed bytes against the trusted keys and the clock (no state involved). */
export function verifyAdvisoryFeed(
  bytes: Uint8Array,
  opts: { trustedKeys: string[]; now?: () => number },
): AdvisoryFeed {
  if (bytes.length > MAX_FEED_BYTES) throw new PackageError(`advisory feed is larger than ${MAX_FEED_BYTES} bytes`);
  let json: unknown;
  try {
    json = parseStrictJson(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new PackageError(`advisory feed is not valid JSON (${(err as Error).message})`);
  }
  const parsed = FeedFileSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new PackageError(`advisory feed is malformed (${i ? `${i.path.join('.')}: ${i.message}` : 'unknown'})`);
  }
  const { signed, publicKey, signature } = parsed.data;
  decodePublicKey(publicKey); // a small-order or malformed key is refused, trusted or not
  if (opts.trustedKeys.length === 0) {
    throw new PackageError(
      'no trusted advisory keys: add one to config.json "advisoryKeys" (or "catalogKeys") or pass --trust-feed-key',
      'refused',
    );
  }
  if (!opts.trustedKeys.includes(publicKey))
    throw new PackageError('advisory feed is signed by a key that is not trusted', 'refused');
  if (!verifySignature(publicKey, canonicalBytes(signed), signature))
    throw new PackageError('bad advisory feed signature: the feed was changed after signing', 'refused');
  const expires = Date.parse(signed.expires);
  if (Number.isNaN(expires)) throw new PackageError('advisory feed has an invalid expiry time');
  if (expires <= (opts.now ?? Date.now)())
    throw new PackageError(`advisory feed expired on ${new Date(expires).toISOString()} (stale or frozen)`, 'refused');
  return { signed, publicKey, fingerprint: fingerprintOf(publicKey) };
}

/** One advisory that applies to one bundled package. */
export interface AdvisoryFinding {
  /** The OSV id (GHSA-…, MAL-…) and its aliases (CVE-…). */
  id: string;
  aliases: string[];
  summary: string;
  severity: Severity;
  package: string;
  version: string;
  /** The lowest fixed version above the installed one, when the record names one. */
  fixed?: string;
}

const ZERO = '0.0.0-0';
const asSemver = (v: string) => (v === '0' ? ZERO : semver.valid(v, { loose: false }));

type Event = z.infer<typeof EventSchema>;
const eventVersion = (e: Event) => Object.values(e)[0] as string;

/** Is `version` inside this OSV range? Unparseable versions never match (and are not guessed). */
function inRange(events: Event[], version: string): boolean {
  const evs = events
    .map((e) => ({ e, v: asSemver(eventVersion(e)) }))
    .filter((x): x is { e: Event; v: string } => x.v !== null)
    .sort((a, b) => semver.compare(a.v, b.v));
  let inside = false;
  for (const { e, v } of evs) {
    if ('introduced' in e) {
      if (semver.gte(version, v)) inside = true;
    } else if ('fixed' in e || 'limit' in e) {
      if (semver.gte(version, v)) inside = false;
    } else if (semver.gt(version, v)) inside = false; // last_affected: inclusive
  }
  return inside;
}

function fixedAbove(events: Event[], version: string): string | undefined {
  return events
    .filter((e): e is { fixed: string } => 'fixed' in e && semver.valid(e.fixed) !== null)
    .map((e) => e.fixed)
    .filter((f) => semver.gt(f, version))
    .sort((a, b) => semver.compare(a, b))[0];
}

function severityOf(r: OsvRecord, aff: NonNullable<OsvRecord['affected']>[number]): Severity {
  if (r.id.startsWith('MAL-')) return 'critical';
  const text = (
    r.database_specific?.severity ??
    aff.database_specific?.severity ??
    aff.ecosystem_specific?.severity ??
    ''
  ).toLowerCase();
  if (text === 'medium') return 'moderate';
  return (SEVERITIES as readonly string[]).includes(text) ? (text as Severity) : 'unknown';
}

/** npm name of a component: from its purl when it has one (qualifiers ignored), else its name. */
function npmName(c: SbomComponent): string | undefined {
  if (!c.purl) return c.name;
  try {
    const p = PackageURL.fromString(c.purl);
    if (p.type !== 'npm') return undefined;
    return p.namespace ? `${p.namespace}/${p.name}` : p.name;
  } catch {
    return c.name;
  }
}

/** A name → records index over npm records (built once per feed; matching is then a lookup). */
export function indexAdvisories(records: OsvRecord[]): Map<string, OsvRecord[]> {
  const byName = new Map<string, OsvRecord[]>();
  for (const r of records) {
    if (r.withdrawn) continue;
    for (const a of r.affected ?? []) {
      if (a.package?.ecosystem !== 'npm') continue;
      const list = byName.get(a.package.name) ?? [];
      if (!list.includes(r)) list.push(r);
      byName.set(a.package.name, list);
    }
  }
  return byName;
}

/**
 * The advisories that apply to bundled components. `feed` is a verified feed, its records, or an
 * index from `indexAdvisories`. Findings are sorted by severity (worst first), then package and id.
 */
export function matchAdvisories(
  components: readonly SbomComponent[],
  feed: AdvisoryFeed | OsvRecord[] | Map<string, OsvRecord[]>,
): AdvisoryFinding[] {
  const index = feed instanceof Map ? feed : indexAdvisories(Array.isArray(feed) ? feed : feed.signed.records);
  const out: AdvisoryFinding[] = [];
  for (const c of components) {
    const name = npmName(c);
    const version = semver.valid(c.version);
    if (!name || !version) continue;
    for (const r of index.get(name) ?? []) {
      for (const a of r.affected ?? []) {
        if (a.package?.ecosystem !== 'npm' || a.package.name !== name) continue;
        const ranges = (a.ranges ?? []).filter((g) => g.type === 'SEMVER' || g.type === 'ECOSYSTEM');
        const hit = (a.versions ?? []).includes(version) || ranges.some((g) => inRange(g.events, version));
        if (!hit) continue;
        const fixed = ranges
          .map((g) => fixedAbove(g.events, version))
          .filter((f): f is string => f !== undefined)
          .sort((x, y) => semver.compare(x, y))[0];
        out.push({
          id: r.id,
          aliases: r.aliases ?? [],
          summary: r.summary ?? r.details?.split('\n', 1)[0]?.slice(0, 200) ?? r.id,
          severity: severityOf(r, a),
          package: name,
          version,
          ...(fixed ? { fixed } : {}),
        });
        break; // one finding per record and package version
      }
    }
  }
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  return out.sort(
    (x, y) =>
      rank(y.severity) - rank(x.severity) ||
      (x.package < y.package ? -1 : x.package > y.package ? 1 : 0) ||
      (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
  );
}

/** Is this finding at or above the policy's threshold ("never" refuses nothing)? */
export function atOrAbove(severity: Severity, threshold: Severity | 'never'): boolean {
  if (threshold === 'never') return false;
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(threshold);
}

/** "GHSA-p6mc-m468-83gw (CVE-2020-8203, high): Prototype Pollution in lodash — lodash@4.17.15, fixed in 4.17.19". */
export function describeFinding(f: AdvisoryFinding): string {
  const ids = [f.id, ...f.aliases.filter((a) => a !== f.id)].join(', ');
  return `${f.package}@${f.version}: ${ids} (${f.severity}) ${f.summary}; ${f.fixed ? `fixed in ${f.fixed}` : 'no fixed version known'}`;
}
