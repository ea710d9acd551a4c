// One-shot CLI cost: `node test/bench/cli.mjs` (after a build), also run by run.mjs.
//
// WHAT IS MEASURED
// Subject: `warden run <text-tools example> text.stats --args '{"text":"hi"}'` as a user types it, from
// spawn to exit (the CLI loads only the code of its command, starts one sandboxed process, runs
// one command, stops it). Floor, in the same rounds: a bare `node` parent that spawns a bare
// `node` child and waits for it to exit — the least any host-plus-process design can cost.
// Second pair: `warden --version` against a bare `node -e 0`. Rounds interleaved, order
// shuffled. Goal (issue 15): median ratio ≤ 1.5 for the one-shot run.
// The warm-up run writes the CLI's V8 code cache into the bench's data folder, as a user's first
// run does (docs/cli.md). `WARDEN_TRACE=1 warden run …` prints where one run spends its time.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { fmt, shuffled, summarize } from './stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli', 'warden.cjs');
const EXAMPLE = path.join(ROOT, 'extensions', 'examples', 'text-tools');
const GOAL = 1.5;

const loadavg = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

const timed = (args) => {
  const a = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  const ms = performance.now() - a;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
};

export async function benchCli({ rounds = Number(process.env.BENCH_CLI_N) || 12, log = () => {} } = {}) {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-bench-cli-'));
  // A shared 2-core machine: the ratios are read with the load they were taken under.
  const loadavgAtStart = loadavg();
  try {
    const cases = {
      run: () => timed([CLI, 'run', EXAMPLE, 'text.stats', '--args', '{"text":"hi"}', '--data-dir', data]),
      runFloor: () => timed(['-e', `require('node:child_process').spawnSync(process.execPath, ['-e', '0'])`]),
      version: () => timed([CLI, '--version']),
      versionFloor: () => timed(['-e', '0']),
    };
    const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (const f of Object.values(cases)) f(); // warm-up (file cache)
    for (let r = 0; r < rounds; r++) for (const k of shuffled(Object.keys(cases))) samples[k].push(cases[k]());
    log(`cli: ${rounds} rounds`);
    const s = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)]));
    const runRatio = s.run.median / s.runFloor.median;
    return {
      ms: s,
      runRatio,
      versionRatio: s.version.median / s.versionFloor.median,
      goal: GOAL,
      pass: runRatio <= GOAL,
      loadavg: { start: loadavgAtStart, end: loadavg() },
    };
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
}

export function reportCli(r) {
  const row = (name, a, b, ratio) =>
    `  ${name.padEnd(34)} median ${fmt(r.ms[a].median, 0)} ms vs floor ${fmt(r.ms[b].median, 0)} ms   ${fmt(ratio)}×`;
  return [
    '',
    `One-shot CLI (issue 15): spawn → exit (load average ${r.loadavg.start[0]} → ${r.loadavg.end[0]})`,
    row('warden run text.stats', 'run', 'runFloor', r.runRatio),
    row('warden --version', 'version', 'versionFloor', r.versionRatio),
    `  ${r.pass ? 'PASS' : 'MISSED'}: run ${fmt(r.runRatio)}× (goal ≤ ${r.goal}×)`,
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await benchCli({ log: (m) => console.error(m) });
  console.log(reportCli(r));
}
