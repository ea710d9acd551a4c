/**
 * The behaviour engine: learns each extension's profile from the host's metering events and the
 * governor's samples, and judges every observation against it once learning is over. Cheap on
 * the call path (a few map updates per mediated call; rate baselines are recomputed only when a
 * minute closes), all local, clock injected. Responses are carried out by the caller through
 * `onFinding` (the supervisor, broker and package manager own those actions).
 */
import { addTo, quantile } from './histogram';
import { createProfile, trimTerms, type Profile, type RateState } from './profile';
import {
  DAY,
  HOUR,
  MINUTE,
  afterUpdate,
  cpuOver,
  exfilVerdict,
  isLearned,
  memoryOver,
  noveltyVerdict,
  rateVerdict,
  resourceVerdict,
  type NoveltyKind,
  type RateMetric,
  type Verdict,
} from './rules';
import { DEFAULT_BEHAVIOUR_SETTINGS, type BehaviourSettings, type Severity } from './settings';
import { destinationOf, pathPrefix } from './terms';
import { halve, isApproved, sum, summarise, type ProfileSummary } from './summary';

export type { LearningStatus, ProfileSummary } from './summary';
import type { BehaviourEvent, Finding, ResourceSample } from './types';

const SEVERITY_RANK: Record<Severity, 1 | 2 | 3> = { low: 1, medium: 2, high: 3 };
const MAX_FINDINGS_PER_EXTENSION = 500;
const METRICS: RateMetric[] = ['calls', 'bytesIn', 'bytesOut'];

export interface BehaviourEngineOptions {
  settings?: BehaviourSettings;
  now?: () => number;
  /** A stored profile for an extension seen before (undefined: start learning). */
  load?: (ext: string) => Profile | undefined;
  onFinding?: (finding: Finding, profile: Profile) => void;
}

export interface BehaviourEngine {
  /** One mediated operation (or `cap: 'command'` when the user ran a command). Returns new findings. */
  event(e: BehaviourEvent): Finding[];
  /** One resource reading. Returns new findings (at window ends). */
  sample(r: ResourceSample): Finding[];
  /**
   * An update was installed; `approved` are the terms the user approved with its permission diff
   * (see `approvedTerms`), which then count as expected novelty.
   */
  noteUpdate(ext: string, version: string, approved: string[], t?: number): void;
  /** "This is expected": the finding's feature joins the baseline. */
  accept(findingId: string): Finding | undefined;
  findings(ext?: string): Finding[];
  profile(ext: string): Profile | undefined;
  summary(ext: string): ProfileSummary | undefined;
  /** Profiles changed since the last call (for the store to persist). */
  takeDirty(): Profile[];
  forget(ext: string): void;
  readonly settings: BehaviourSettings;
}

export function createBehaviourEngine(options: BehaviourEngineOptions = {}): BehaviourEngine {
  const settings = options.settings ?? DEFAULT_BEHAVIOUR_SETTINGS;
  const now = options.now ?? Date.now;
  const profiles = new Map<string, Profile>();
  const findings = new Map<string, Finding[]>();
  const dirty = new Set<Profile>();
  let seq = 0;

  const profileFor = (ext: string, version: string, t: number): Profile => {
    let p = profiles.get(ext);
    if (!p) {
      p = options.load?.(ext) ?? createProfile(ext, version, t);
      profiles.set(ext, p);
    }
    if (p.version !== version) switchVersion(p, version, t);
    return p;
  };

  function switchVersion(p: Profile, version: string, t: number): void {
    p.version = version;
    p.updatedAt = t;
    p.newDestinationBytes.clear();
    const known = p.versions.find((v) => v.version === version);
    if (known) known.since = t;
    else p.versions.push({ version, since: t, clean: true });
    if (p.versions.length > 32) p.versions.splice(0, p.versions.length - 32);
  }

  const learnedNow = (p: Profile, t: number): boolean => {
    if (p.learnedAt !== undefined) return true;
    if (!isLearned(p, settings, t)) return false;
    p.learnedAt = t;
    return true;
  };

  function emit(p: Profile, t: number, v: Verdict, extra: Partial<Finding>, out: Finding[]): void {
    if (p.accepted.has(v.feature)) return;
    const key = `${v.feature}#${v.severity}`;
    const last = p.reported.get(key);
    if (last !== undefined && t - last < HOUR) return; // one report per feature and severity an hour
    p.reported.set(key, t);
    if (p.reported.size > 256) for (const [k, at] of p.reported) if (t - at >= HOUR) p.reported.delete(k);
    const post = afterUpdate(p, settings, t);
    const response = settings.responses[v.severity];
    const f: Finding = {
      id: `${t.toString(36)}-${(seq++).toString(36)}`,
      t,
      ext: p.ext,
      version: p.version,
      ...v,
      response,
      afterUpdate: post,
      ...(p.updatedAt !== undefined ? { hoursSinceUpdate: Math.round(((t - p.updatedAt) / HOUR) * 10) / 10 } : {}),
      state: 'open',
      ...extra,
    };
    if (SEVERITY_RANK[v.severity] >= 2) {
      const current = p.versions.find((r) => r.version === p.version);
      if (current) current.clean = false;
      if (post && response === 'contain' && settings.rollbackOnContain) {
        const target = [...p.versions].reverse().find((r) => r.version !== p.version && r.clean);
        if (target) f.rollbackTo = target.version;
      }
    }
    const list = findings.get(p.ext) ?? [];
    list.push(f);
    if (list.length > MAX_FINDINGS_PER_EXTENSION) list.splice(0, list.length - MAX_FINDINGS_PER_EXTENSION);
    findings.set(p.ext, list);
    out.push(f);
    options.onFinding?.(f, p);
  }

  function touchTerm(p: Profile, key: string, t: number): boolean {
    const term = p.terms.get(key);
    const isNew = !term || t - term.last >= settings.noveltyDays * DAY;
    if (term) {
      term.last = t;
      term.count++;
    } else {
      p.terms.set(key, { first: t, last: t, count: 1 });
      trimTerms(p);
    }
    return isNew;
  }

  function closeMinute(st: RateState): void {
    if (st.flagged === 0 && st.minute >= 0) {
      const day = Math.floor(st.minute / (DAY / MINUTE));
      let h = st.days.get(day);
      if (!h) st.days.set(day, (h = new Map()));
      addTo(h, st.value);
      for (const d of st.days.keys()) if (d <= day - settings.rate.windowDays) st.days.delete(d);
    }
    st.baseline = quantile([...st.days.values()], 0.99, settings.rate.minActiveMinutes);
  }

  const rateKeys = new Map<string, string[]>();
  const rateKeysOf = (cap: string): string[] => {
    let keys = rateKeys.get(cap);
    if (!keys) {
      keys = METRICS.map((m) => `${cap}|${m}`);
      if (rateKeys.size < 256) rateKeys.set(cap, keys);
    }
    return keys;
  };

  function rate(
    p: Profile,
    t: number,
    cap: string,
    metric: RateMetric,
    key: string,
    v: number,
    learned: boolean,
    out: Finding[],
  ) {
    const minute = Math.floor(t / MINUTE);
    let st = p.rates.get(key);
    if (!st) p.rates.set(key, (st = { minute, value: 0, flagged: 0, days: new Map() }));
    if (st.minute !== minute) {
      closeMinute(st);
      st.minute = minute;
      st.value = 0;
      st.flagged = 0;
    }
    st.value += v;
    if (!learned || st.baseline === undefined || p.accepted.has(key)) return;
    const verdict = rateVerdict(p, settings, t, cap, metric, st.value, st.baseline);
    if (!verdict) return;
    const rank = SEVERITY_RANK[verdict.severity] - 1;
    if (rank <= st.flagged) return;
    st.flagged = rank as 1 | 2;
    p.lastRateFinding = t;
    emit(p, t, verdict, { capability: cap }, out);
  }

  // Targets repeat (a few hosts, a few folders): their terms are worked out once. Bounded; a
  // flood of distinct targets only clears the cache, it never grows it past the cap.
  type TermSpec = { kind: NoveltyKind; value: string; label: string; key: string };
  const termCache = new Map<string, { terms: TermSpec[]; domain: string | undefined }>();
  const spec = (kind: NoveltyKind, value: string, label: string): TermSpec => ({
    kind,
    value,
    label,
    key: `${kind}:${value}`,
  });
  function termsOf(e: BehaviourEvent): { terms: TermSpec[]; domain: string | undefined } {
    const cacheKey = `${e.cap}\u0000${e.target ?? ''}\u0000${e.root ?? ''}`;
    const hit = termCache.get(cacheKey);
    if (hit) return hit;
    const terms = [spec('cap', e.cap, `use of ${e.cap}`)];
    let domain: string | undefined;
    if (e.cap === 'net' || e.cap.startsWith('net.')) {
      const d = destinationOf(e.target);
      if (d) {
        domain = d.domain;
        terms.push(
          spec('domain', d.domain, `contact with ${d.domain}`),
          spec('host', d.host, `contact with ${d.host}`),
        );
      }
    } else if (e.cap.startsWith('fs.') && e.target) {
      const prefix = pathPrefix(e.target, e.root, settings.pathDepth);
      terms.push(spec('path', `${e.cap}:${prefix}`, `${e.cap} under ${prefix || '/'}`));
    }
    if (termCache.size >= 2048) termCache.clear();
    const entry = { terms, domain };
    termCache.set(cacheKey, entry);
    return entry;
  }

  function novelty(p: Profile, t: number, e: BehaviourEvent, learned: boolean, out: Finding[]) {
    const { terms, domain } = termsOf(e);
    for (const { kind, value, label, key } of terms) {
      if (!touchTerm(p, key, t) || !learned) continue;
      if (kind === 'domain' && afterUpdate(p, settings, t)) p.newDestinationBytes.set(value, 0);
      if (p.accepted.has(key)) continue;
      p.lastNovelty = t;
      const approved = isApproved(p, kind, key, value, domain);
      emit(
        p,
        t,
        noveltyVerdict(p, settings, t, kind, value, label, approved),
        { capability: e.cap, target: e.target },
        out,
      );
    }
    // The exfiltration shape: data sent to a destination first contacted since the update.
    if (
      domain !== undefined &&
      e.bytesOut &&
      p.newDestinationBytes.has(domain) &&
      !p.approved.has(`domain:${domain}`)
    ) {
      const before = p.newDestinationBytes.get(domain)!;
      const sent = before + e.bytesOut;
      p.newDestinationBytes.set(domain, sent);
      if (before < settings.exfilBytes && sent >= settings.exfilBytes && afterUpdate(p, settings, t))
        emit(p, t, exfilVerdict(p, settings, t, domain, sent), { capability: e.cap, target: e.target }, out);
    }
  }

  function closeWindow(p: Profile, learned: boolean, t: number, out: Finding[]): void {
    const r = p.resources;
    // Bucket edges overstate; a window's p95 is never above its highest reading.
    const cpu = Math.min(quantile([r.cpu], 0.95) ?? NaN, r.cpuMax);
    const rss = Math.min(quantile([r.rss], 0.95) ?? NaN, r.rssMax);
    r.cpu = new Map();
    r.rss = new Map();
    r.cpuMax = 0;
    r.rssMax = 0;
    if (Number.isNaN(cpu) || Number.isNaN(rss)) return;
    const cpuBase = quantile([r.cpuHist], 0.95, settings.resources.minWindows);
    const rssBase = quantile([r.rssHist], 0.95, settings.resources.minWindows);
    const cpuHigh = cpuOver(settings, cpu, cpuBase);
    const memHigh = memoryOver(settings, rss, rssBase);
    r.cpuOver = cpuHigh ? r.cpuOver + 1 : 0;
    r.memOver = memHigh ? r.memOver + 1 : 0;
    if (learned && r.cpuOver === settings.resources.sustainedWindows)
      emit(p, t, resourceVerdict(settings, 'cpu', cpu, cpuBase!), {}, out);
    if (learned && r.memOver === settings.resources.sustainedWindows)
      emit(p, t, resourceVerdict(settings, 'memory', rss, rssBase!), {}, out);
    // Deviating windows never raise their own bar; the history forgets slowly (halving).
    if (!cpuHigh) addTo(r.cpuHist, cpu);
    if (!memHigh) addTo(r.rssHist, rss);
    r.windows++;
    const keep = settings.rate.windowDays * ((24 * 60) / settings.resources.windowMinutes);
    for (const h of [r.cpuHist, r.rssHist]) if (sum(h) > keep) halve(h);
  }

  return {
    settings,
    event(e) {
      const out: Finding[] = [];
      if (!settings.enabled) return out;
      const t = e.t ?? now();
      const p = profileFor(e.ext, e.version, t);
      dirty.add(p);
      if (e.cap === 'command') {
        p.commands++;
        if (e.target) touchTerm(p, `command:${e.target}`, t);
        learnedNow(p, t);
        return out;
      }
      const learned = learnedNow(p, t);
      // Every call of a capability updates all three metrics, so "never uploads" is a baseline too.
      const keys = rateKeysOf(e.cap);
      rate(p, t, e.cap, 'calls', keys[0]!, 1, learned, out);
      rate(p, t, e.cap, 'bytesIn', keys[1]!, e.bytesIn ?? 0, learned, out);
      rate(p, t, e.cap, 'bytesOut', keys[2]!, e.bytesOut ?? 0, learned, out);
      novelty(p, t, e, learned, out);
      return out;
    },
    sample(r) {
      const out: Finding[] = [];
      if (!settings.enabled) return out;
      const p = profiles.get(r.ext) ?? options.load?.(r.ext);
      if (!p) return out; // resources are judged only for extensions with a profile
      profiles.set(r.ext, p);
      dirty.add(p);
      const window = Math.floor(r.t / (settings.resources.windowMinutes * MINUTE));
      if (p.resources.window !== window) {
        if (p.resources.window >= 0) closeWindow(p, learnedNow(p, r.t), r.t, out);
        p.resources.window = window;
      }
      addTo(p.resources.cpu, r.cpuPercent);
      addTo(p.resources.rss, r.rssBytes);
      p.resources.cpuMax = Math.max(p.resources.cpuMax, r.cpuPercent);
      p.resources.rssMax = Math.max(p.resources.rssMax, r.rssBytes);
      return out;
    },
    noteUpdate(ext, version, approved, t = now()) {
      const p = profiles.get(ext) ?? options.load?.(ext);
      if (!p) return;
      profiles.set(ext, p);
      if (p.version !== version) switchVersion(p, version, t);
      p.approved = new Set(approved);
      dirty.add(p);
    },
    accept(id) {
      for (const list of findings.values()) {
        const f = list.find((x) => x.id === id);
        if (!f) continue;
        const p = profiles.get(f.ext);
        f.state = 'accepted';
        if (p) {
          p.accepted.add(f.feature);
          // A version whose only deviations were accepted is a good rollback target again.
          const open = list.some((x) => x.version === f.version && x.state === 'open' && x.severity !== 'low');
          const rec = p.versions.find((v) => v.version === f.version);
          if (rec && !open) rec.clean = true;
          dirty.add(p);
        }
        return f;
      }
      return undefined;
    },
    findings: (ext) => (ext ? [...(findings.get(ext) ?? [])] : [...findings.values()].flat().sort((a, b) => a.t - b.t)),
    profile: (ext) => profiles.get(ext),
    summary(ext) {
      const p = profiles.get(ext) ?? options.load?.(ext);
      return p ? summarise(p, settings, now()) : undefined;
    },
    takeDirty() {
      const list = [...dirty];
      dirty.clear();
      return list;
    },
    forget(ext) {
      profiles.delete(ext);
      findings.delete(ext);
    },
  };
}
