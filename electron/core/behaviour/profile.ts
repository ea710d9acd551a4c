/**
 * One extension's learnt profile: the terms it has used (destinations, path prefixes,
 * capabilities, commands) with when they were first and last seen, per-minute rate histograms per
 * capability and metric (one per day, kept for the rate window), CPU and memory window
 * percentiles, and the versions it ran. Bounded: terms are capped (least recently seen go first),
 * days past the window are dropped, so a profile stays well under 64 KiB serialised.
 */
import { z } from 'zod';
import { lazySchema } from '../../common/lazy-schema';
import { fromPairs, toPairs, type Histogram } from './histogram';

export const MAX_TERMS = 400;

export interface Term {
  first: number;
  last: number;
  count: number;
}

export interface RateState {
  /** The minute (epoch minutes) being counted, and its running value. */
  minute: number;
  value: number;
  /** Highest severity already reported for this minute (one finding per minute per feature). */
  flagged: 0 | 1 | 2;
  /** Closed, unflagged minutes per day (epoch days). */
  days: Map<number, Histogram>;
  /** p99 of those minutes, recomputed when a minute closes; undefined while there are too few. */
  baseline?: number;
}

export interface ResourceState {
  /** The window (epoch windows) being sampled, and its readings as histograms. */
  window: number;
  cpu: Histogram;
  rss: Histogram;
  cpuMax: number;
  rssMax: number;
  /** p95 of each closed, unflagged window. */
  cpuHist: Histogram;
  rssHist: Histogram;
  windows: number;
  cpuOver: number;
  memOver: number;
}

export interface VersionRecord {
  version: string;
  since: number;
  /** False once a medium or high finding was raised while this version ran. */
  clean: boolean;
}

export interface Profile {
  ext: string;
  createdAt: number;
  version: string;
  versions: VersionRecord[];
  updatedAt?: number;
  commands: number;
  learnedAt?: number;
  /** The permission patterns the running version declares (`capability pattern`), to diff updates. */
  patterns?: string[];
  /** Targets the user approved explicitly with the last update's permission diff. */
  approved: Set<string>;
  terms: Map<string, Term>;
  rates: Map<string, RateState>;
  resources: ResourceState;
  accepted: Set<string>;
  lastNovelty?: number;
  lastRateFinding?: number;
  /** Bytes sent to destinations first seen after the last update (the exfiltration shape). */
  newDestinationBytes: Map<string, number>;
  /** Last finding time per feature, so one deviation is reported once an hour, not per call. */
  reported: Map<string, number>;
}

export function createProfile(ext: string, version: string, t: number): Profile {
  return {
    ext,
    createdAt: t,
    version,
    versions: [{ version, since: t, clean: true }],
    commands: 0,
    approved: new Set(),
    terms: new Map(),
    rates: new Map(),
    resources: emptyResources(),
    accepted: new Set(),
    newDestinationBytes: new Map(),
    reported: new Map(),
  };
}

export function emptyResources(): ResourceState {
  return {
    window: -1,
    cpu: new Map(),
    rss: new Map(),
    cpuMax: 0,
    rssMax: 0,
    cpuHist: new Map(),
    rssHist: new Map(),
    windows: 0,
    cpuOver: 0,
    memOver: 0,
  };
}

/** Drops the least recently seen terms once the cap is passed (amortised: 10 % at a time). */
export function trimTerms(p: Profile): void {
  if (p.terms.size <= MAX_TERMS) return;
  const byAge = [...p.terms].sort((a, b) => a[1].last - b[1].last);
  for (const [k] of byAge.slice(0, p.terms.size - Math.floor(MAX_TERMS * 0.9))) p.terms.delete(k);
}

// ---- persistence: a strict schema, so a tampered or torn file is refused, never half-used ----

const pairs = lazySchema(() => z.array(z.tuple([z.number().int(), z.number().int().nonnegative()])).max(512));
const finite = lazySchema(() => z.number().finite());

const profileFileSchema = lazySchema(() =>
  z.strictObject({
    v: z.literal(1),
    ext: z.string().min(1).max(256),
    createdAt: finite,
    version: z.string().min(1).max(64),
    versions: z.array(z.strictObject({ version: z.string().max(64), since: finite, clean: z.boolean() })).max(64),
    updatedAt: finite.optional(),
    commands: z.number().int().nonnegative(),
    learnedAt: finite.optional(),
    patterns: z.array(z.string().max(2048)).max(512).optional(),
    approved: z.array(z.string().max(2048)).max(512),
    terms: z.array(z.tuple([z.string().max(2048), finite, finite, z.number().int().nonnegative()])).max(MAX_TERMS * 2),
    rates: z
      .array(
        z.strictObject({
          key: z.string().max(256),
          minute: finite,
          value: z.number().nonnegative(),
          flagged: z.union([z.literal(0), z.literal(1), z.literal(2)]),
          days: z.array(z.tuple([z.number().int(), pairs])).max(400),
          baseline: finite.optional(),
        }),
      )
      .max(256),
    resources: z.strictObject({
      window: finite,
      cpu: pairs,
      rss: pairs,
      cpuMax: z.number().nonnegative(),
      rssMax: z.number().nonnegative(),
      cpuHist: pairs,
      rssHist: pairs,
      windows: z.number().int().nonnegative(),
      cpuOver: z.number().int().nonnegative(),
      memOver: z.number().int().nonnegative(),
    }),
    accepted: z.array(z.string().max(2048)).max(4096),
    lastNovelty: finite.optional(),
    lastRateFinding: finite.optional(),
    newDestinationBytes: z.array(z.tuple([z.string().max(2048), z.number().nonnegative()])).max(512),
    reported: z.array(z.tuple([z.string().max(2048), finite])).max(1024),
  }),
);
export type ProfileFile = z.infer<typeof profileFileSchema>;

export function serialiseProfile(p: Profile): ProfileFile {
  return {
    v: 1,
    ext: p.ext,
    createdAt: p.createdAt,
    version: p.version,
    versions: p.versions,
    ...(p.updatedAt !== undefined ? { updatedAt: p.updatedAt } : {}),
    commands: p.commands,
    ...(p.learnedAt !== undefined ? { learnedAt: p.learnedAt } : {}),
    ...(p.patterns ? { patterns: p.patterns } : {}),
    approved: [...p.approved],
    terms: [...p.terms].map(([k, t]) => [k, t.first, t.last, t.count]),
    rates: [...p.rates].map(([key, r]) => ({
      key,
      minute: r.minute,
      value: r.value,
      flagged: r.flagged,
      days: [...r.days].map(([d, h]) => [d, toPairs(h)] as [number, Array<[number, number]>]),
      ...(r.baseline !== undefined ? { baseline: r.baseline } : {}),
    })),
    resources: {
      ...p.resources,
      cpu: toPairs(p.resources.cpu),
      rss: toPairs(p.resources.rss),
      cpuHist: toPairs(p.resources.cpuHist),
      rssHist: toPairs(p.resources.rssHist),
    },
    accepted: [...p.accepted],
    ...(p.lastNovelty !== undefined ? { lastNovelty: p.lastNovelty } : {}),
    ...(p.lastRateFinding !== undefined ? { lastRateFinding: p.lastRateFinding } : {}),
    newDestinationBytes: [...p.newDestinationBytes],
    reported: [...p.reported],
  };
}

/** Parses a stored profile; throws (the caller starts a fresh one and says so) on anything off. */
export function deserialiseProfile(data: unknown): Profile {
  const f = profileFileSchema.parse(data);
  return {
    ext: f.ext,
    createdAt: f.createdAt,
    version: f.version,
    versions: f.versions,
    ...(f.updatedAt !== undefined ? { updatedAt: f.updatedAt } : {}),
    commands: f.commands,
    ...(f.learnedAt !== undefined ? { learnedAt: f.learnedAt } : {}),
    ...(f.patterns ? { patterns: f.patterns } : {}),
    approved: new Set(f.approved),
    terms: new Map(f.terms.map(([k, first, last, count]) => [k, { first, last, count }])),
    rates: new Map(
      f.rates.map((r) => [
        r.key,
        {
          minute: r.minute,
          value: r.value,
          flagged: r.flagged,
          days: new Map(r.days.map(([d, h]) => [d, fromPairs(h)])),
          ...(r.baseline !== undefined ? { baseline: r.baseline } : {}),
        },
      ]),
    ),
    resources: {
      ...f.resources,
      cpu: fromPairs(f.resources.cpu),
      rss: fromPairs(f.resources.rss),
      cpuHist: fromPairs(f.resources.cpuHist),
      rssHist: fromPairs(f.resources.rssHist),
    },
    accepted: new Set(f.accepted),
    ...(f.lastNovelty !== undefined ? { lastNovelty: f.lastNovelty } : {}),
    ...(f.lastRateFinding !== undefined ? { lastRateFinding: f.lastRateFinding } : {}),
    newDestinationBytes: new Map(f.newDestinationBytes),
    reported: new Map(f.reported),
  };
}
