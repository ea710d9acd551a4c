// Warden governance benchmark (docs/manifest.md, Limits): `node test/bench/governance.mjs` after
// `node scripts/build.mjs` (it uses dist/core/index.cjs and dist/sandbox/bootstrap.cjs). It is
// standalone: test/bench/run.mjs runs its own parts and permissions.mjs by name, with no generic
// hook for further benchmarks (and this one takes ~1 min on its own).
//
// WHAT IS MEASURED (all real processes, the product's own supervisor, fork launcher and loader)
// 1. Kill overshoot past the hang threshold. One extension, timeouts { hangMs: 500,
//    heartbeatMs: 100 }. Its command sends a progress event and then runs `for(;;){}`; the host
//    timestamps the progress message (t0, performance.now()), the watchdog's "killing" log line,
//    and the supervisor's 'exit' event. overshoot = (exit − t0) − hangMs. The watchdog can fire
//    up to one heartbeat early (the last beat left before the loop began) and one check interval
//    (100 ms) late, plus SIGKILL → exit. Goal: every sample (max) ≤ 100 ms; n = BENCH_GOV_KILL_N.
// 2. Host event-loop delay with 10 hostile extensions at once: 3 × for(;;){}, 2 × heap balloon
//    (memoryMb 48), 2 × ArrayBuffer balloon (memoryMb 48), 2 × sustained host-call flood (waves
//    of 1 000 storage.get, forever), 1 × promise storm; each is invoked again as soon as its call
//    ends (the kill → restart cycle goes on all the time). To keep all ten hostile for the whole
//    window, strikes are disabled (no quarantine) and the restart backoff is capped at 200 ms:
//    a worse case than the product's defaults. A well-behaved extension is pinged every 20 ms
//    meanwhile. Timeouts { hangMs: 1000, heartbeatMs: 100 } as in the security tests.
//    monitorEventLoopDelay({ resolution: 10 }); figures are the histogram's values in ms, which
//    include the 10 ms sampling period (an idle loop reads ~10.1 ms). Floor: the same host with
//    10 idle well-behaved extensions and the same pings. Goal: hostile p99 < 20 ms. What-if
//    (information, not product behaviour): the same run with every extension process reniced
//    to 10 right after spawn, to show how much of the delay is CPU starvation of the host.
// 3. 50 live extensions on this machine (default timeouts). Started two at a time; then every
//    one must answer `ping`. Latency: BENCH_GOV_ROUNDS rounds of sequential invoke round trips
//    of `ping` over the 50 (one call in flight at a time, time from invoke() to its result);
//    also bursts of 50 concurrent (one per extension) for information. Memory: USS
//    (Private_Clean + Private_Dirty from /proc/<pid>/smaps_rollup) of each child, summed.
//    Goals: 50/50 answer; sequential p99 < 10 ms. USS has no goal here (run.mjs holds the
//    per-extension 16 MiB goal; it is shown for reference).
//
// OUTPUT: a table with each figure, its goal and PASS/MISSED, then JSON; the same document (with
// raw samples) goes to test-results/bench-governance.json. Exit code 0 whether goals are met or
// not; 1 only when the benchmark itself failed. Knobs (env): BENCH_GOV_KILL_N (12),
// BENCH_GOV_HOSTILE_S (15), BENCH_GOV_FLOOR_S (5), BENCH_GOV_EXTS (50), BENCH_GOV_ROUNDS (20);
// for diagnosis BENCH_GOV_ONLY=kill,hostile,live (parts to run) and
// BENCH_GOV_KINDS=loop,heap,buffers,flood,storm (hostile kinds in part 2).
// The machine is a noisy 2-vCPU VM (research/perf-floor.md): the load average at start and end
// is printed; distrust figures taken at load > 2.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fmt, readMemory, sleep, summarize, table, withoutSamples } from './stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..');
const BOOTSTRAP = path.join(ROOT, 'dist', 'sandbox', 'bootstrap.cjs');
const RESULTS = path.join(ROOT, 'test-results', 'bench-governance.json');

const env = (name, dflt) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : dflt;
};
const CONFIG = {
  killN: Math.max(10, env('BENCH_GOV_KILL_N', 12)),
  killWarmup: 2,
  hangMs: 500,
  heartbeatMs: 100,
  hostileS: env('BENCH_GOV_HOSTILE_S', 15),
  floorS: env('BENCH_GOV_FLOOR_S', 5),
  exts: env('BENCH_GOV_EXTS', 50),
  rounds: env('BENCH_GOV_ROUNDS', 20),
  bursts: 10,
  lagResolutionMs: 10,
  /** BENCH_GOV_ONLY=kill,hostile,live runs a subset (for profiling one part). */
  only: (process.env.BENCH_GOV_ONLY ?? 'kill,hostile,live').split(',').map((x) => x.trim()),
  /** BENCH_GOV_KINDS=loop,heap,buffers,flood,storm: which hostile kinds run in part 2 (diagnosis). */
  kinds: (process.env.BENCH_GOV_KINDS ?? 'loop,heap,buffers,flood,storm').split(',').map((x) => x.trim()),
};
const GOALS = { killOvershootMaxMs: 100, hostileLagP99Ms: 20, liveAnswer: 1, liveP99Ms: 10, ussPerExtMiB: 16 };

const require = createRequire(import.meta.url);
const core = require(path.join(ROOT, 'dist', 'core', 'index.cjs'));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-bench-gov-'));
const codeCacheDir = path.join(tmp, 'code-cache');
const inst = trackLauncher(core.createForkLauncher({ bootstrapPath: BOOTSTRAP, codeCacheDir }));
/** Part 2's what-if: the same launcher with every child at nice 10 (not what the product does). */
const instNice = trackLauncher(core.createForkLauncher({ bootstrapPath: BOOTSTRAP, codeCacheDir }), { nice: 10 });
const supervisors = new Set();
let dataSeq = 0;
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);

/**
 * Keeps every child the product launches, so the benchmark can always kill what it started.
 * Unlike instrument.mjs it adds no per-message listener: the floods below send tens of
 * thousands of messages a second and the bench must not add its own cost to the host's.
 */
function trackLauncher(inner, { nice } = {}) {
  const live = new Map();
  return {
    launcher: {
      launch(spec) {
        const child = inner.launch(spec);
        if (nice !== undefined && child.pid !== undefined) {
          try {
            os.setPriority(child.pid, nice);
          } catch {
            // gone already
          }
        }
        let resolveExit;
        live.set(child, new Promise((r) => (resolveExit = r)));
        child.onExit(() => {
          live.delete(child);
          resolveExit();
        });
        return child;
      },
    },
    async killAll(timeoutMs = 2000) {
      const waits = [...live.entries()].map(([child, exited]) => {
        child.kill();
        return exited;
      });
      await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    },
    killAllSync() {
      for (const child of live.keys()) child.kill();
    },
  };
}

/** A StrikeBook that records nothing: no quarantine, so hostile extensions keep coming back. */
const noStrikes = {
  strike: () => undefined,
  strikes: () => [],
  quarantined: () => undefined,
  release: () => false,
  list: () => [],
};

function newSupervisor(options = {}) {
  const s = core.createSupervisor({
    launcher: inst.launcher,
    dataDir: path.join(tmp, `data-${dataSeq++}`),
    ...options,
  });
  supervisors.add(s);
  return s;
}
async function disposeSupervisor(s) {
  await s.stopAll();
  s.close();
  supervisors.delete(s);
}

/** Writes and loads an extension folder; `commands` are declared, `body` registers them. */
async function loadExtension(id, commands, body, manifest = {}) {
  const dir = path.join(tmp, 'ext', id);
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      id,
      name: `Bench ${id}`,
      version: '1.0.0',
      publisher: id.split('.')[0],
      main: 'dist/extension.js',
      engines: { warden: '^1.0.0' },
      contributes: { commands: ['ping', ...commands].map((c) => ({ id: c, title: c })) },
      ...manifest,
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'dist', 'extension.js'),
    `'use strict';\nexports.activate = () => {\n  host.commands.register('ping', () => 'pong');\n  ${body}\n};\n`,
  );
  const r = await core.loadExtensionFolder(dir);
  if (!r.ok) throw new Error(`fixture ${id} did not load:\n${r.errors.join('\n')}`);
  return r.extension;
}

function lagMonitor() {
  const h = monitorEventLoopDelay({ resolution: CONFIG.lagResolutionMs });
  h.enable();
  return () => {
    h.disable();
    const ms = (ns) => ns / 1e6;
    return {
      samples: h.count,
      p50: ms(h.percentile(50)),
      p90: ms(h.percentile(90)),
      p99: ms(h.percentile(99)),
      max: ms(h.max),
      mean: ms(h.mean),
    };
  };
}

/** Nearest-rank percentile of unsorted values. */
function pct(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] : NaN;
}

const loadavg = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

// ---------------------------------------------------------------------------------------------
// 1. Kill overshoot past the hang threshold
async function benchKillOvershoot() {
  const killLogs = [];
  const s = newSupervisor({
    timeouts: { hangMs: CONFIG.hangMs, heartbeatMs: CONFIG.heartbeatMs },
    restart: { baseMs: 1, maxMs: 1 },
    governance: { strikes: noStrikes },
    logger: core.createLogger((e) => {
      if (e.msg.startsWith('killing extension process')) killLogs.push({ at: performance.now(), msg: e.msg });
    }),
  });
  const ext = await loadExtension(
    'bench.block',
    ['block'],
    `host.commands.register('block', (args, call) => { call.progress(0, 'blocking'); for (;;) {} });`,
  );
  s.add(ext);
  const id = ext.manifest.id;
  const samples = [];
  for (let i = 0; i < CONFIG.killN + CONFIG.killWarmup; i++) {
    await s.start(id);
    // Settle, then start at a random phase of the 100 ms heartbeat.
    await sleep(300 + Math.random() * CONFIG.heartbeatMs);
    let blockAt;
    let exitAt;
    let reason;
    const exited = new Promise((resolve) => {
      const off = s.onEvent((e) => {
        if (e.id !== id || e.type !== 'exit') return;
        exitAt = performance.now();
        reason = e.reason;
        off();
        resolve();
      });
    });
    const logsBefore = killLogs.length;
    const err = await s
      .invoke(id, 'block', {}, { onProgress: () => (blockAt ??= performance.now()), timeoutMs: 30_000 })
      .then(
        () => undefined,
        (e) => e,
      );
    await exited;
    const killAt = killLogs[logsBefore]?.at;
    if (blockAt === undefined) throw new Error('no progress event arrived before the block');
    if (i < CONFIG.killWarmup) continue;
    samples.push({
      blockToExitMs: exitAt - blockAt,
      overshootMs: exitAt - blockAt - CONFIG.hangMs,
      detectMs: killAt - blockAt,
      killToExitMs: exitAt - killAt,
      reason,
      error: err?.code,
    });
  }
  await disposeSupervisor(s);
  await inst.killAll();
  const overshoot = summarize(samples.map((x) => x.overshootMs));
  return {
    hangMs: CONFIG.hangMs,
    heartbeatMs: CONFIG.heartbeatMs,
    n: samples.length,
    overshoot,
    detect: summarize(samples.map((x) => x.detectMs)),
    killToExit: summarize(samples.map((x) => x.killToExitMs)),
    reasons: [...new Set(samples.map((x) => x.reason))],
    goalMaxMs: GOALS.killOvershootMaxMs,
    pass: overshoot.max <= GOALS.killOvershootMaxMs,
    samples,
  };
}

// ---------------------------------------------------------------------------------------------
// 2. Host event-loop delay with 10 hostile extensions at once
const ALL_HOSTILE = [
  ...[1, 2, 3].map((i) => ({
    id: `hostile.loop${i}`,
    cmd: 'go',
    body: `host.commands.register('go', () => { for (;;) {} });`,
  })),
  ...[1, 2].map((i) => ({
    id: `hostile.heap${i}`,
    cmd: 'go',
    limits: { memoryMb: 48 },
    body: `host.commands.register('go', async () => { const hog = []; for (;;) { for (let i = 0; i < 2000; i++) hog.push({ a: new Array(100).fill(i), s: 'x' + i }); await new Promise((r) => setTimeout(r, 0)); } });`,
  })),
  ...[1, 2].map((i) => ({
    id: `hostile.buffers${i}`,
    cmd: 'go',
    limits: { memoryMb: 48 },
    body: `host.commands.register('go', () => { const keep = []; for (;;) keep.push(new Uint8Array(16 * 1024 * 1024).fill(1)); });`,
  })),
  ...[1, 2].map((i) => ({
    id: `hostile.flood${i}`,
    cmd: 'go',
    body: `host.commands.register('go', async () => { for (;;) { const wave = []; for (let i = 0; i < 1000; i++) wave.push(host.storage.get('k')); await Promise.allSettled(wave); } });`,
  })),
  {
    id: 'hostile.storm1',
    cmd: 'go',
    body: `host.commands.register('go', () => { const spin = () => { Promise.resolve().then(spin); }; spin(); return new Promise(() => {}); });`,
  },
];

const HOSTILE = ALL_HOSTILE.filter((h) => CONFIG.kinds.includes(h.id.replace(/^hostile\.|\d+$/g, '')));

/** Pings `id` every 20 ms until `stop()`; returns round-trip times and wrong answers. */
function pinger(s, id) {
  let running = true;
  const rtts = [];
  let wrong = 0;
  const done = (async () => {
    while (running) {
      const t0 = performance.now();
      const r = await s.invoke(id, 'ping').catch((e) => e);
      rtts.push(performance.now() - t0);
      if (r?.type !== 'text' || r.text !== 'pong') wrong++;
      await sleep(20);
    }
  })();
  return async () => {
    running = false;
    await done;
    return { answers: rtts.length - wrong, wrong, rtt: summarize(rtts), p99: pct(rtts, 99) };
  };
}

async function benchHostileLag() {
  const timeouts = { hangMs: 1000, heartbeatMs: 100 };
  const good = await loadExtension('bench.good', [], '');

  // Floor: as many idle well-behaved extensions as there are hostile ones, and the same pings.
  const f = newSupervisor({ timeouts, governance: { strikes: noStrikes } });
  f.add(good);
  const idle = [];
  for (let i = 0; i < HOSTILE.length; i++) {
    const ext = await loadExtension(`idle.ext${i}`, [], '');
    f.add(ext);
    idle.push(ext.manifest.id);
  }
  for (const id of ['bench.good', ...idle]) await f.start(id);
  await sleep(500);
  const stopLag = lagMonitor();
  const stopPing = pinger(f, 'bench.good');
  await sleep(CONFIG.floorS * 1000);
  const floor = { lag: stopLag(), neighbour: await stopPing() };
  await disposeSupervisor(f);
  await inst.killAll();

  const subject = await hostileRun(inst, good, timeouts);
  log('   … again with every extension process at nice 10 (what-if)');
  const niced = await hostileRun(instNice, good, timeouts);
  return {
    seconds: CONFIG.hostileS,
    hostile: HOSTILE.map((h) => h.id),
    floor,
    ...subject,
    niced,
    goalP99Ms: GOALS.hostileLagP99Ms,
    pass: subject.lag.p99 < GOALS.hostileLagP99Ms,
  };
}

/** The hostile extensions, each invoked again as soon as its call ends, for CONFIG.hostileS. */
async function hostileRun(tracker, good, timeouts) {
  const s = newSupervisor({
    launcher: tracker.launcher,
    timeouts,
    restart: { baseMs: 50, maxMs: 200 },
    governance: { strikes: noStrikes },
  });
  s.add(good);
  for (const h of HOSTILE) s.add(await loadExtension(h.id, [h.cmd], h.body, h.limits ? { limits: h.limits } : {}));
  for (const id of ['bench.good', ...HOSTILE.map((h) => h.id)]) await s.start(id);
  await sleep(500);
  const exits = Object.fromEntries(HOSTILE.map((h) => [h.id, []]));
  /** Resident MiB the governor read when it killed for memory (limit: 48 + 96 = 144). */
  const memoryKillsMiB = [];
  const off = s.onEvent((e) => {
    if (e.type !== 'exit' || !exits[e.id]) return;
    exits[e.id].push(e.reason.replace(/\d+/g, 'N'));
    const mb = /^memory: (\d+) MB resident/.exec(e.reason)?.[1];
    if (mb) memoryKillsMiB.push(Number(mb));
  });
  let running = true;
  const loops = HOSTILE.map(async (h) => {
    while (running) {
      await s.invoke(h.id, h.cmd).catch(() => {});
      if (running) await sleep(5);
    }
  });
  const stopLag = lagMonitor();
  const stopPing = pinger(s, 'bench.good');
  const cpu0 = process.cpuUsage();
  await sleep(CONFIG.hostileS * 1000);
  const lag = stopLag();
  const hostCpu = process.cpuUsage(cpu0);
  const neighbour = await stopPing();
  running = false;
  off();
  await disposeSupervisor(s); // ends the pending hostile calls
  await Promise.all(loops);
  await tracker.killAll();
  const kills = Object.fromEntries(
    Object.entries(exits).map(([id, reasons]) => {
      const byReason = {};
      for (const r of reasons) byReason[r] = (byReason[r] ?? 0) + 1;
      return [id, byReason];
    }),
  );
  return {
    hostCpuPercent: ((hostCpu.user + hostCpu.system) / 1000 / (CONFIG.hostileS * 1000)) * 100,
    lag,
    neighbour,
    kills,
    memoryKillsMiB,
  };
}

// ---------------------------------------------------------------------------------------------
// 3. 50 live extensions
async function benchLive() {
  const s = newSupervisor({ governance: { strikes: noStrikes } });
  const ids = [];
  for (let i = 0; i < CONFIG.exts; i++) {
    const ext = await loadExtension(`live.ext${String(i).padStart(2, '0')}`, [], '');
    s.add(ext);
    ids.push(ext.manifest.id);
  }
  const t0 = performance.now();
  const queue = [...ids];
  const startErrors = [];
  await Promise.all(
    [0, 1].map(async () => {
      for (let id = queue.shift(); id; id = queue.shift())
        await s.start(id).catch((e) => startErrors.push(`${id}: ${e}`));
    }),
  );
  const startAllMs = performance.now() - t0;
  await sleep(1000);

  let answered = 0;
  for (const id of ids) {
    const r = await s.invoke(id, 'ping').catch(() => undefined);
    if (r?.type === 'text' && r.text === 'pong') answered++;
  }

  const stopLag = lagMonitor();
  const seq = [];
  for (let round = 0; round < CONFIG.rounds; round++) {
    for (const id of ids) {
      const t = performance.now();
      const r = await s.invoke(id, 'ping');
      seq.push(performance.now() - t);
      if (r?.text !== 'pong') throw new Error(`${id} answered ${JSON.stringify(r)}`);
    }
  }
  const burst = [];
  for (let b = 0; b < CONFIG.bursts; b++) {
    await Promise.all(
      ids.map(async (id) => {
        const t = performance.now();
        await s.invoke(id, 'ping');
        burst.push(performance.now() - t);
      }),
    );
    await sleep(20);
  }
  const lag = stopLag();

  const memory = [];
  for (const id of ids) {
    const pid = s.status(id).stats?.pid;
    if (pid === undefined) continue;
    try {
      memory.push({ id, pid, ...readMemory(pid) });
    } catch {
      // exited meanwhile: counted as missing
    }
  }
  const sum = (k) => memory.reduce((a, m) => a + m[k], 0);
  const host = readMemory(process.pid);
  const states = {};
  for (const id of ids) states[s.status(id).state] = (states[s.status(id).state] ?? 0) + 1;
  await disposeSupervisor(s);
  await inst.killAll();
  const seqSummary = { ...summarize(seq), p99: pct(seq, 99) };
  return {
    extensions: ids.length,
    startAllMs,
    startErrors,
    answered,
    states,
    sequential: seqSummary,
    burst: { ...summarize(burst), p99: pct(burst, 99) },
    lag,
    memory: {
      measured: memory.length,
      totalUssMiB: sum('uss'),
      totalRssMiB: sum('rss'),
      totalPssMiB: sum('pss'),
      perExtensionUss: summarize(memory.map((m) => m.uss)),
      hostUssMiB: host.uss,
    },
    goals: { answer: `${ids.length}/${ids.length}`, p99Ms: GOALS.liveP99Ms },
    passAnswer: answered === ids.length,
    passLatency: seqSummary.p99 < GOALS.liveP99Ms,
    samples: { sequential: seq, burst, memory },
  };
}

// ---------------------------------------------------------------------------------------------
function verdict(pass) {
  return pass ? 'PASS' : 'MISSED';
}

function report(r) {
  const k = r.killOvershoot;
  const h = r.hostileLag;
  const l = r.live;
  const out = [];
  out.push(
    `Warden governance benchmark — ${r.meta.date}, node ${r.meta.node}, ${r.meta.cpus} CPU, load ${r.meta.loadavgAtStart.join(' ')} → ${r.meta.loadavgAtEnd.join(' ')}`,
    '',
  );
  const s4 = (x, d = 1) => `${fmt(x.min, d)} / ${fmt(x.median, d)} / ${fmt(x.p90, d)} / ${fmt(x.max, d)}`;
  const rows = [];
  const missed = [];
  if (k) {
    rows.push(
      [
        `1. kill overshoot past hangMs ${k.hangMs} (ms, n=${k.n}) min/med/p90/max`,
        s4(k.overshoot),
        `max ≤ ${k.goalMaxMs}`,
        verdict(k.pass),
      ],
      ['   block → kill decision (ms)', s4(k.detect), '', ''],
      ['   kill → exit event (ms)', s4(k.killToExit), '', ''],
    );
    if (!k.pass) missed.push(`kill overshoot max ${fmt(k.overshoot.max, 1)} ms > ${k.goalMaxMs} ms`);
  }
  if (h) {
    rows.push(
      [
        `2. host loop delay p99, ${h.hostile.length} hostile (ms, ${h.seconds} s, ${h.lag.samples} samples)`,
        fmt(h.lag.p99, 1),
        `< ${h.goalP99Ms}`,
        verdict(h.pass),
      ],
      ['   … p50 / p90 / max (ms)', `${fmt(h.lag.p50, 1)} / ${fmt(h.lag.p90, 1)} / ${fmt(h.lag.max, 1)}`, '', ''],
      ['   host CPU (main thread + GC) during it (% of one core)', fmt(h.hostCpuPercent, 0), '', ''],
      [
        '   RSS read at memory kills, max (MiB; limit 144)',
        h.memoryKillsMiB.length ? `${Math.max(...h.memoryKillsMiB)} (n=${h.memoryKillsMiB.length})` : '-',
        '',
        '',
      ],
      [
        '   what-if: same with extension processes at nice 10, p99 / max (ms)',
        `${fmt(h.niced.lag.p99, 1)} / ${fmt(h.niced.lag.max, 1)}`,
        '(info)',
        '',
      ],
      [
        `   floor: ${h.hostile.length} idle extensions p99 / max (ms)`,
        `${fmt(h.floor.lag.p99, 1)} / ${fmt(h.floor.lag.max, 1)}`,
        '',
        '',
      ],
      [
        '   neighbour ping during it: answers, wrong, p99 RTT (ms)',
        `${h.neighbour.answers}, ${h.neighbour.wrong}, ${fmt(h.neighbour.p99, 1)}`,
        '',
        '',
      ],
    );
    if (!h.pass) missed.push(`hostile host-loop p99 ${fmt(h.lag.p99, 1)} ms ≥ ${h.goalP99Ms} ms`);
  }
  if (l) {
    rows.push(
      [
        `3. ${l.extensions} live extensions answering`,
        `${l.answered}/${l.extensions}`,
        l.goals.answer,
        verdict(l.passAnswer),
      ],
      [
        `   sequential invoke RTT (ms, n=${l.sequential.n}) p99`,
        fmt(l.sequential.p99, 2),
        `< ${l.goals.p99Ms}`,
        verdict(l.passLatency),
      ],
      ['   … min / median / p90 / max (ms)', s4(l.sequential, 2), '', ''],
      [
        `   burst of ${l.extensions} concurrent, p99 / max (ms)`,
        `${fmt(l.burst.p99, 1)} / ${fmt(l.burst.max, 1)}`,
        '',
        '',
      ],
      ['   host loop delay meanwhile p99 / max (ms)', `${fmt(l.lag.p99, 1)} / ${fmt(l.lag.max, 1)}`, '', ''],
      [`   total USS of ${l.memory.measured} children (MiB)`, fmt(l.memory.totalUssMiB, 0), '(report)', ''],
      [
        '   per-extension USS median / max (MiB)',
        `${fmt(l.memory.perExtensionUss.median, 1)} / ${fmt(l.memory.perExtensionUss.max, 1)}`,
        `(≤ ${GOALS.ussPerExtMiB}, run.mjs)`,
        verdict(l.memory.perExtensionUss.median <= GOALS.ussPerExtMiB),
      ],
      [
        '   total RSS / PSS of children, host USS (MiB)',
        `${fmt(l.memory.totalRssMiB, 0)} / ${fmt(l.memory.totalPssMiB, 0)}, ${fmt(l.memory.hostUssMiB, 0)}`,
        '',
        '',
      ],
      [`   start all ${l.extensions}, two at a time (s)`, fmt(l.startAllMs / 1000, 1), '', ''],
    );
    if (!l.passAnswer) missed.push(`${l.answered}/${l.extensions} answered`);
    if (!l.passLatency)
      missed.push(`${l.extensions}-extension p99 ${fmt(l.sequential.p99, 2)} ms ≥ ${l.goals.p99Ms} ms`);
  }
  out.push(table(['figure', 'measured', 'goal', 'verdict'], rows));
  if (k) out.push('', `kill reasons (1): ${k.reasons.join('; ')}`);
  if (h) out.push(`kills during (2): ${JSON.stringify(h.kills)}`);
  if (h) out.push(`kills during (2, nice 10): ${JSON.stringify(h.niced.kills)}`);
  out.push('', missed.length ? `MISSED: ${missed.join('; ')}` : 'All goals met.');
  return out.join('\n');
}

let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  await Promise.allSettled([...supervisors].map((s) => s.stopAll()));
  await inst.killAll();
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.on('exit', () => {
  inst.killAllSync();
  if (!cleaned) fs.rmSync(tmp, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    log(`\n${sig}: cleaning up`);
    cleanup().finally(() => process.exit(130));
  });
}

async function main() {
  const started = performance.now();
  const loadavgAtStart = loadavg();
  if (!fs.existsSync(BOOTSTRAP)) throw new Error(`${BOOTSTRAP} is missing: run node scripts/build.mjs first`);
  log(`warden governance bench: temp ${tmp}`);
  const run = async (key, what, fn) => {
    if (!CONFIG.only.includes(key)) return null;
    log(what);
    return fn();
  };
  const killOvershoot = await run('kill', `1/3 kill overshoot (n=${CONFIG.killN})`, benchKillOvershoot);
  const hostileLag = await run(
    'hostile',
    `2/3 host loop delay, 10 hostile extensions (${CONFIG.hostileS} s; floor ${CONFIG.floorS} s)`,
    benchHostileLag,
  );
  const live = await run('live', `3/3 ${CONFIG.exts} live extensions`, benchLive);
  const results = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      config: CONFIG,
      goals: GOALS,
      loadavgAtStart,
      loadavgAtEnd: loadavg(),
      durationS: Math.round((performance.now() - started) / 100) / 10,
    },
    killOvershoot,
    hostileLag,
    live,
  };
  console.log(report(results));
  console.log('\nJSON (samples omitted; full document in test-results/bench-governance.json):');
  console.log(JSON.stringify(withoutSamples(results), null, 2));
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), RESULTS)} in ${results.meta.durationS} s`);
}

try {
  await main();
  await cleanup();
} catch (err) {
  log(`bench failed: ${err?.stack ?? err}`);
  await cleanup();
  process.exitCode = 1;
}
