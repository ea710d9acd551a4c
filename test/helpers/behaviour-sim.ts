/**
 * A seeded workload for the behaviour engine: ordinary extensions used in periods through the
 * day (more on weekdays), each period starting with a command, calls spread over the
 * extension's usual capabilities, hosts and folders, with bursty rates and lognormal sizes, and
 * benign updates every few weeks that change the rate. Reproducible (an LCG), fast (no I/O).
 */
import type { BehaviourEvent, ResourceSample } from '../../electron/core/behaviour';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
/** A Monday, 00:00 UTC: day 0 of every simulation. */
export const EPOCH = Date.UTC(2026, 0, 5);

export function createRandom(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    logUniform: (lo: number, hi: number) => Math.exp(Math.log(lo) + next() * (Math.log(hi) - Math.log(lo))),
    lognormal: (median: number, sigma: number) => median * Math.exp(sigma * normal()),
    poisson: (mean: number) => {
      let k = 0;
      let p = Math.exp(-mean);
      let sum = p;
      const u = next();
      while (u > sum && k < 100) {
        k++;
        p *= mean / k;
        sum += p;
      }
      return k;
    },
  };
}
export type Random = ReturnType<typeof createRandom>;

/** One ordinary extension's habits. */
export interface Habit {
  ext: string;
  /** Capabilities with their share of calls. */
  caps: Array<{ cap: string; weight: number; targets: string[]; root?: string; bytesIn?: number; bytesOut?: number }>;
  commands: string[];
  callsPerMin: number;
  cpuBase: number;
  rssBase: number;
}

export function ordinaryHabit(r: Random, i: number): Habit {
  const hosts = Array.from(
    { length: r.int(1, 4) },
    (_, k) => `https://${['api', 'cdn', 'www', 'data'][k]}.site${i}.example.com/v1/items`,
  );
  const folders = [`~/Documents/project${i}`, `~/Documents/notes${i}`];
  return {
    ext: `acme.ordinary${i}`,
    caps: [
      { cap: 'net', weight: 0.5, targets: hosts, bytesIn: 20_000, bytesOut: 300 },
      {
        cap: 'fs.read',
        weight: 0.35,
        targets: folders.flatMap((f) => [`${f}/a.md`, `${f}/b.md`, `${f}/sub/c.md`]),
        root: '~/Documents',
        bytesIn: 4000,
      },
      { cap: 'storage.get', weight: 0.1, targets: ['state'], bytesIn: 500 },
      { cap: 'storage.set', weight: 0.05, targets: ['state'], bytesOut: 500 },
    ],
    commands: [`ordinary${i}.sync`, `ordinary${i}.search`, `ordinary${i}.report`],
    callsPerMin: r.logUniform(0.2, 10),
    cpuBase: r.logUniform(1, 11),
    rssBase: r.logUniform(40, 90) * 1024 * 1024,
  };
}

/** The bundled examples as they behave: notes (storage), text-tools and word-count (pure + data folder). */
export function exampleHabits(r: Random): Habit[] {
  return [
    {
      ext: 'warden.notes',
      caps: [
        { cap: 'storage.get', weight: 0.6, targets: ['notes'], bytesIn: 2000 },
        { cap: 'storage.set', weight: 0.4, targets: ['notes'], bytesOut: 2000 },
      ],
      commands: ['notes.add', 'notes.list', 'notes.clear'],
      callsPerMin: r.logUniform(0.5, 4),
      cpuBase: 2,
      rssBase: 45 * 1024 * 1024,
    },
    {
      ext: 'warden.text-tools',
      caps: [{ cap: 'data.write', weight: 1, targets: ['history.json'], bytesOut: 800 }],
      commands: ['text.upper', 'text.slug', 'text.count'],
      callsPerMin: r.logUniform(0.2, 2),
      cpuBase: 3,
      rssBase: 40 * 1024 * 1024,
    },
    {
      ext: 'warden.word-count',
      caps: [
        {
          cap: 'fs.read',
          weight: 1,
          targets: ['~/Documents/essays/one.md', '~/Documents/essays/two.md'],
          root: '~/Documents',
          bytesIn: 12_000,
        },
      ],
      commands: ['words.count'],
      callsPerMin: r.logUniform(0.2, 3),
      cpuBase: 4,
      rssBase: 42 * 1024 * 1024,
    },
  ];
}

export interface SimSink {
  event(e: BehaviourEvent): void;
  sample(s: ResourceSample): void;
  /** A benign update; `approved` are the net patterns its permission diff added (and the user approved). */
  update?(ext: string, version: string, t: number, approved: Array<{ capability: string; pattern: string }>): void;
}

/**
 * Simulates `days` days of one habit, in time order, from day `from`. Benign updates every ~20
 * days scale the call rate (0.5–2×) and bump the version; half of those that use the network
 * also start talking to a new site, declared by name in the update's manifest (and approved).
 * Hosts churn under the sites already known (a new regional endpoint every ~30 days).
 */
export function simulate(r: Random, h: Habit, from: number, days: number, sink: SimSink, version0 = '1.0.0'): string {
  let version = version0;
  let rate = h.callsPerMin;
  let nextUpdate = from + r.int(15, 25);
  for (let d = from; d < from + days; d++) {
    if (d === nextUpdate) {
      const [maj, min] = version.split('.').map(Number);
      version = `${maj}.${min! + 1}.0`;
      rate = Math.min(h.callsPerMin * 4, Math.max(h.callsPerMin / 4, rate * r.pick([0.5, 1, 1.5, 2])));
      const net = h.caps.find((c) => c.cap === 'net');
      const approved: Array<{ capability: string; pattern: string }> = [];
      if (net && r.next() < 0.5) {
        const site = `https://api.partner${d}.${h.ext.split('.')[1]}.example.net`;
        net.targets.push(`${site}/v2/sync`);
        approved.push({ capability: 'net', pattern: `${site}/**` });
      }
      sink.update?.(h.ext, version, EPOCH + d * DAY + 7 * HOUR, approved);
      nextUpdate = d + r.int(15, 25);
    }
    const netCap = h.caps.find((c) => c.cap === 'net');
    if (netCap && r.next() < 1 / 30) {
      const known = new URL(r.pick(netCap.targets));
      netCap.targets.push(`https://eu${d}.${known.hostname.split('.').slice(1).join('.')}/v1/items`);
    }
    const weekday = ((d % 7) + 7) % 7 < 5;
    const periods = r.poisson(weekday ? 5 : 1.5);
    const starts = Array.from({ length: periods }, () => r.int(8 * 60, 20 * 60)).sort((a, b) => a - b);
    let busyUntil = 0;
    for (const start of starts) {
      const begin = Math.max(start, busyUntil);
      const length = r.int(1, 20);
      busyUntil = begin + length;
      const burst = r.lognormal(1, 1);
      let t = EPOCH + d * DAY + begin * MIN;
      sink.event({ t, ext: h.ext, version, cap: 'command', target: r.pick(h.commands) });
      const calls = Math.round(rate * burst * length);
      const step = (length * MIN) / Math.max(1, calls);
      for (let c = 0; c < calls; c++) {
        t += step;
        let pickW = r.next();
        let cap = h.caps[0]!;
        for (const x of h.caps) {
          if (pickW < x.weight) {
            cap = x;
            break;
          }
          pickW -= x.weight;
        }
        sink.event({
          t,
          ext: h.ext,
          version,
          cap: cap.cap,
          target: r.pick(cap.targets),
          ...(cap.root ? { root: cap.root } : {}),
          bytesIn: cap.bytesIn ? Math.round(r.lognormal(cap.bytesIn, 1)) : 0,
          bytesOut: cap.bytesOut ? Math.round(r.lognormal(cap.bytesOut, 1)) : 0,
        });
      }
      for (let m = 0; m < length; m++)
        sink.sample({
          t: EPOCH + d * DAY + (begin + m) * MIN,
          ext: h.ext,
          cpuPercent: Math.min(100, r.lognormal(h.cpuBase, 0.6)),
          rssBytes: r.lognormal(h.rssBase, 0.1),
        });
    }
  }
  return version;
}
