/**
 * What the engine's helpers share: whether an update approved a term, histogram upkeep, and the
 * readable summary of a profile (`warden anomalies profile`, the panel).
 */
import { quantile, type Histogram } from './histogram';
import type { Profile } from './profile';
import { DAY, isLearned, type NoveltyKind } from './rules';
import type { BehaviourSettings } from './settings';
import { destinationOf } from './terms';

export interface LearningStatus {
  learned: boolean;
  commands: number;
  minCommands: number;
  days: number;
  minDays: number;
}

export interface ProfileSummary {
  ext: string;
  version: string;
  learning: LearningStatus;
  destinations: Array<{ host: string; domain: string; count: number; lastSeen: number }>;
  paths: Array<{ prefix: string; count: number; lastSeen: number }>;
  capabilities: string[];
  commands: string[];
  rates: Array<{ feature: string; p99PerMinute?: number; activeMinutes: number }>;
  cpuP95?: number;
  rssP95?: number;
}

/** Whether the update's approved diff named this term (a folder approves the paths below it). */
export function isApproved(
  p: Profile,
  kind: NoveltyKind,
  key: string,
  value: string,
  domain: string | undefined,
): boolean {
  if (p.approved.has(key)) return true;
  if (kind === 'host' && domain !== undefined) return p.approved.has(`domain:${domain}`);
  if (kind !== 'path') return false;
  const colon = value.indexOf(':');
  const cap = value.slice(0, colon);
  const prefix = value.slice(colon + 1);
  for (const a of p.approved) {
    if (!a.startsWith(`root:${cap}:`)) continue;
    const root = a.slice(`root:${cap}:`.length);
    if (prefix === root || prefix.startsWith(`${root}/`)) return true;
  }
  return false;
}

export const sum = (h: Histogram): number => {
  let n = 0;
  for (const c of h.values()) n += c;
  return n;
};
export const halve = (h: Histogram): void => {
  for (const [b, c] of h) {
    const next = Math.floor(c / 2);
    if (next === 0) h.delete(b);
    else h.set(b, next);
  }
};

export function summarise(p: Profile, s: BehaviourSettings, t: number): ProfileSummary {
  const destinations: ProfileSummary['destinations'] = [];
  const paths: ProfileSummary['paths'] = [];
  const capabilities: string[] = [];
  const commands: string[] = [];
  for (const [key, term] of p.terms) {
    const [kind, ...rest] = key.split(':');
    const value = rest.join(':');
    if (kind === 'host') {
      const d = destinationOf(`https://${value}/`);
      destinations.push({ host: value, domain: d?.domain ?? value, count: term.count, lastSeen: term.last });
    } else if (kind === 'path') paths.push({ prefix: value, count: term.count, lastSeen: term.last });
    else if (kind === 'cap') capabilities.push(value);
    else if (kind === 'command') commands.push(value);
  }
  const rates = [...p.rates].map(([feature, r]) => ({
    feature,
    ...(r.baseline !== undefined ? { p99PerMinute: r.baseline } : {}),
    activeMinutes: [...r.days.values()].reduce((n, h) => n + sum(h), 0),
  }));
  const cpuP95 = quantile([p.resources.cpuHist], 0.95);
  const rssP95 = quantile([p.resources.rssHist], 0.95);
  return {
    ext: p.ext,
    version: p.version,
    learning: {
      learned: p.learnedAt !== undefined || isLearned(p, s, t),
      commands: p.commands,
      minCommands: s.learning.minCommands,
      days: Math.floor(((t - p.createdAt) / DAY) * 10) / 10,
      minDays: s.learning.minDays,
    },
    destinations,
    paths,
    capabilities,
    commands,
    rates,
    ...(cpuP95 !== undefined ? { cpuP95 } : {}),
    ...(rssP95 !== undefined ? { rssP95 } : {}),
  };
}
