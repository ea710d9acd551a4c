// Behaviour-baseline cost: `node test/bench/behaviour.mjs` (after a build), also run by run.mjs.
//
// WHAT IS MEASURED
// Subject: engine.event() for one mediated call of a learnt extension (a realistic mix: net to a
// few hosts, fs reads under two folders, storage), judged after learning, as the host's metering
// path calls it. Floor, in the same rounds: serialising the audit record that the same call
// already writes (JSON.stringify of the record), the cheapest thing every mediated call pays
// today. Rounds interleaved, order shuffled. Goal (issue 16): under 2 µs added per call (median),
// and a profile under 64 KiB (serialised, after a busy simulated month).
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { fmt, shuffled, summarize } from './stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..');

const GOAL_US = 2;
const GOAL_PROFILE_KIB = 64;

export async function benchBehaviour({ core, log = () => {} }) {
  const { createBehaviourEngine, parseBehaviourSettings, serialiseProfile } = core.behaviour;
  const settings = parseBehaviourSettings({ learning: { minCommands: 1, minDays: 0 }, rate: { minActiveMinutes: 5 } });
  const engine = createBehaviourEngine({ settings });
  const ext = 'bench.reader';
  const hosts = ['https://api.example.com/v1/items', 'https://cdn.example.com/a.js', 'https://api.other.org/q'];
  const files = Array.from({ length: 40 }, (_, i) => `~/Documents/${i % 2 ? 'projects' : 'notes'}/f${i}.md`);
  const t0 = Date.UTC(2026, 0, 5);
  let t = t0;
  const eventAt = (i) => {
    t += 250; // 4 calls a second: a busy but ordinary extension
    const k = i % 10;
    if (k < 4)
      return { t, ext, version: '1.0.0', cap: 'net', target: hosts[i % 3], bytesIn: 2000 + (i % 500), bytesOut: 200 };
    if (k < 8)
      return { t, ext, version: '1.0.0', cap: 'fs.read', target: files[i % 40], root: '~/Documents', bytesIn: 4096 };
    return { t, ext, version: '1.0.0', cap: 'storage.get', target: 'state', bytesIn: 300 };
  };
  // Learn a month of it first (the steady state the host runs in).
  engine.event({ t, ext, version: '1.0.0', cap: 'command', target: 'reader.sync' });
  for (let i = 0; i < 30 * 24 * 60 * 4; i += 37) {
    engine.event(eventAt(i));
    t += 60_000 * 6;
  }
  const profileBytes = JSON.stringify(serialiseProfile(engine.profile(ext))).length;

  const BATCH = 20_000;
  const ROUNDS = Number(process.env.BENCH_BEHAVIOUR_ROUNDS ?? 15);
  const events = Array.from({ length: BATCH }, (_, i) => eventAt(i));
  const records = events.map((e) => ({
    time: e.t,
    ext: e.ext,
    kind: 'operation',
    capability: e.cap,
    target: e.target,
    bytes: e.bytesIn,
  }));
  const subject = [];
  const floor = [];
  let sink = 0;
  const cases = {
    subject: () => {
      const a = performance.now();
      for (let i = 0; i < BATCH; i++) sink += engine.event(events[i]).length;
      subject.push(((performance.now() - a) * 1000) / BATCH);
    },
    floor: () => {
      const a = performance.now();
      for (let i = 0; i < BATCH; i++) sink += JSON.stringify(records[i]).length;
      floor.push(((performance.now() - a) * 1000) / BATCH);
    },
  };
  for (let w = 0; w < 2; w++) for (const f of Object.values(cases)) f(); // warm-up
  subject.length = 0;
  floor.length = 0;
  for (let r = 0; r < ROUNDS; r++) for (const name of shuffled(Object.keys(cases))) cases[name]();
  log(`behaviour: ${ROUNDS} rounds of ${BATCH} events (checksum ${sink % 7})`);
  const s = summarize(subject);
  const f = summarize(floor);
  return {
    perEventUs: s,
    floorUs: f,
    ratio: s.median / f.median,
    profileKiB: profileBytes / 1024,
    goals: { perEventUs: GOAL_US, profileKiB: GOAL_PROFILE_KIB },
    pass: s.median < GOAL_US && profileBytes / 1024 < GOAL_PROFILE_KIB,
  };
}

export function reportBehaviour(r) {
  return [
    '',
    'Behaviour baselines (issue 16): cost added to one mediated call',
    `  engine.event   min ${fmt(r.perEventUs.min, 2)} µs  median ${fmt(r.perEventUs.median, 2)} µs  p90 ${fmt(r.perEventUs.p90, 2)} µs`,
    `  floor (audit record JSON)  median ${fmt(r.floorUs.median, 2)} µs   ratio ${fmt(r.ratio)}×`,
    `  profile after a busy month: ${fmt(r.profileKiB, 1)} KiB (goal < ${r.goals.profileKiB})`,
    `  ${r.pass ? 'PASS' : 'MISSED'}: median ${fmt(r.perEventUs.median, 2)} µs (goal < ${r.goals.perEventUs} µs)`,
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const require = createRequire(import.meta.url);
  const core = require(path.join(ROOT, 'dist', 'core', 'index.cjs'));
  const r = await benchBehaviour({ core, log: (m) => console.error(m) });
  console.log(reportBehaviour(r));
}
