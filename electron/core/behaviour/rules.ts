/**
 * The deviation rules, as pure functions of a profile, the settings and one observation. Each
 * returns what to report (or nothing) with a sentence a user can read; the engine owns state,
 * de-duplication and responses. Explainable by design: a user or admin can check every finding
 * against the numbers it quotes.
 */
import type { BehaviourSettings, Severity } from './settings';
import type { FindingRule } from './types';
import type { Profile } from './profile';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** Novelty this close to a rate spike (either order) is the exfiltration shape. */
export const NEARBY_MS = 10 * MINUTE;

export interface Verdict {
  rule: FindingRule;
  severity: Severity;
  feature: string;
  why: string;
  observed?: number;
  baseline?: number;
  ratio?: number;
}

export function isLearned(p: Profile, s: BehaviourSettings, t: number): boolean {
  return p.commands >= s.learning.minCommands && t - p.createdAt >= s.learning.minDays * DAY;
}

export const afterUpdate = (p: Profile, s: BehaviourSettings, t: number): boolean =>
  p.updatedAt !== undefined && t - p.updatedAt < s.postUpdateHours * HOUR;

const sinceUpdate = (p: Profile, t: number): string =>
  p.updatedAt === undefined
    ? ''
    : `, ${Math.max(0, Math.round((t - p.updatedAt) / HOUR))} h after the update to ${p.version}`;

const days = (ms: number): string => `${Math.round(ms / DAY)} days`;

export type NoveltyKind = 'domain' | 'host' | 'path' | 'cap';

const RULE_OF: Record<NoveltyKind, FindingRule> = {
  domain: 'new-destination',
  host: 'new-host',
  path: 'new-path',
  cap: 'new-capability',
};

/**
 * A term first seen (or first in the novelty window). Low on its own; medium right after an update
 * unless the user approved that target with the update; high when a rate spike is nearby.
 */
export function noveltyVerdict(
  p: Profile,
  s: BehaviourSettings,
  t: number,
  kind: NoveltyKind,
  value: string,
  label: string,
  approved: boolean,
): Verdict {
  const post = afterUpdate(p, s, t);
  const spike = p.lastRateFinding !== undefined && t - p.lastRateFinding < NEARBY_MS;
  let severity: Severity = 'low';
  // A new host under a known site is ordinary churn (CDNs, regional endpoints): never above low.
  if (kind !== 'host') {
    if (spike) severity = 'high';
    else if (post && !approved) severity = 'medium';
  }
  const when = post ? sinceUpdate(p, t) : '';
  const extra = spike ? ', within 10 minutes of a rate spike' : approved && post ? ' (approved with the update)' : '';
  return {
    rule: RULE_OF[kind],
    severity,
    feature: `${kind}:${value}`,
    why: `first ${label} in ${days(s.noveltyDays * DAY)}${when}${extra}`,
  };
}

/** Bytes sent to a destination first contacted after an update passed the exfiltration line. */
export function exfilVerdict(p: Profile, s: BehaviourSettings, t: number, domain: string, sent: number): Verdict {
  return {
    rule: 'new-destination',
    severity: 'high',
    feature: `domain:${domain}`,
    observed: sent,
    why: `sent ${formatBytes(sent)} to ${domain}, a destination first contacted${sinceUpdate(p, t)}`,
  };
}

export type RateMetric = 'calls' | 'bytesIn' | 'bytesOut';

/** A capability's current minute against its learnt p99 (and an absolute floor). */
export function rateVerdict(
  p: Profile,
  s: BehaviourSettings,
  t: number,
  cap: string,
  metric: RateMetric,
  value: number,
  baseline: number,
): Verdict | undefined {
  const floor = metric === 'calls' ? s.rate.floorCallsPerMin : s.rate.floorBytesPerMin;
  if (value < floor) return undefined;
  const ratio = value / Math.max(baseline, 1);
  if (ratio < s.rate.ratioMedium) return undefined;
  const novelNear = p.lastNovelty !== undefined && t - p.lastNovelty < NEARBY_MS;
  const severity: Severity = ratio >= s.rate.ratioHigh || novelNear ? 'high' : 'medium';
  const show = (v: number) => (metric === 'calls' ? `${Math.round(v)} calls` : formatBytes(v));
  const what = metric === 'calls' ? 'calls' : metric === 'bytesIn' ? 'bytes in' : 'bytes out';
  return {
    rule: 'rate',
    severity,
    feature: `${cap}|${metric}`,
    observed: value,
    baseline,
    ratio: Math.round(ratio * 10) / 10,
    why:
      `${cap} ${what}: ${show(value)} in one minute, ${formatRatio(ratio)} its usual ` +
      `${show(baseline)}/min (p99 over ${s.rate.windowDays} days)${novelNear ? ', next to a first-time target' : ''}${sinceUpdate(p, t) && afterUpdate(p, s, t) ? sinceUpdate(p, t) : ''}`,
  };
}

/** Sustained CPU: window p95 over an absolute floor and well over the usual p95, several windows running. */
export function cpuOver(s: BehaviourSettings, p95: number, baseline: number | undefined): boolean {
  return baseline !== undefined && p95 >= s.resources.cpuFloorPercent && p95 >= baseline + s.resources.cpuMarginPoints;
}

export function memoryOver(s: BehaviourSettings, p95: number, baseline: number | undefined): boolean {
  return (
    baseline !== undefined &&
    p95 >= baseline * s.resources.memoryRatio &&
    p95 - baseline >= s.resources.memoryFloorBytes
  );
}

export function resourceVerdict(
  s: BehaviourSettings,
  kind: 'cpu' | 'memory',
  observed: number,
  baseline: number,
): Verdict {
  const minutes = s.resources.windowMinutes * s.resources.sustainedWindows;
  return {
    rule: kind,
    severity: 'medium',
    feature: kind,
    observed,
    baseline,
    why:
      kind === 'cpu'
        ? `CPU ${Math.round(observed)} % (p95) for ${minutes} minutes, usually ${Math.round(baseline)} %`
        : `memory ${formatBytes(observed)} (p95) for ${minutes} minutes, usually ${formatBytes(baseline)}`,
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

const formatRatio = (r: number): string => (r >= 1000 ? `${Math.round(r)}×` : `${r.toFixed(r >= 100 ? 0 : 1)}×`);
