// Where does an extension's cold start go? `node test/bench/profile-startup.mjs` (after a build).
//
// Runs PROFILE_RUNS (default 6) cold starts per case, interleaved: the bare floor child, the
// sandbox with the default launcher and, when this build supports it, with a primed code cache.
// Each child runs under `node --cpu-prof --cpu-prof-interval=100` (µs) plus a `--require`d hook
// that turns SIGTERM into process.exit(0), because the profile is only written on a normal exit
// and the launcher's kill is SIGKILL. Profiling slows the child down; compare the cases with each
// other, not with `npm run bench`.
//
// The profile's clock (V8 TimeTicks) and the host's process.hrtime are both CLOCK_MONOTONIC, so
// the samples are split at the host's marks: spawn → first frame (hello / ready) and hello →
// ready. Each sample is put in one bucket by its stack: ses lockdown() (a `lockdown`,
// `repairIntrinsics` or `hardenIntrinsics` frame in the bundle), ses module evaluation (other
// ses/@endo code), warden runtime (electron/** code in the bundle), the loader (bootstrap.cjs),
// node internals, and V8's own (program) / (garbage collector) / (idle). "before profiler"
// is spawn → the profile's first timestamp (process creation, V8 and node bootstrap).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { instrumentLauncher } from './instrument.mjs';
import { writeBenchExtension, MEMORY_MB } from './fixture.mjs';
import { fmt, shuffled, sleep, summarize, table } from './stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..');
const BOOTSTRAP = path.join(ROOT, 'dist', 'sandbox', 'bootstrap.cjs');
const FLOOR_CHILD = path.join(here, 'floor-child.cjs');
const RUNS = Math.max(1, Number(process.env.PROFILE_RUNS) || 6);

const require = createRequire(import.meta.url);
const core = require(path.join(ROOT, 'dist', 'core', 'index.cjs'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-profile-'));
const HOOK = path.join(tmp, 'exit-on-sigterm.cjs');
fs.writeFileSync(HOOK, "process.on('SIGTERM', () => process.exit(0));\n");

// host performance.now() → CLOCK_MONOTONIC µs (the clock of the child's profile)
const monoOffsetMs = Number(process.hrtime.bigint()) / 1e6 - performance.now();
const toMonoUs = (ms) => (ms + monoOffsetMs) * 1000;

const instruments = [];
function profiledLauncher(bootstrapPath, profDir, extra = {}) {
  fs.mkdirSync(profDir, { recursive: true });
  const inst = instrumentLauncher(
    core.createForkLauncher({
      bootstrapPath,
      extraExecArgv: ['--require', HOOK, '--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=100'],
      // The profile is written by the child (and the hook lives outside the bundle): the OS wall
      // would forbid both, so this diagnostic runs without it.
      wall: 'none',
      ...extra,
    }),
  );
  instruments.push(inst);
  return {
    inst,
    launcher: {
      launch(spec) {
        const child = inst.launcher.launch(spec);
        return {
          get pid() {
            return child.pid;
          },
          onMessage: child.onMessage,
          onViolation: child.onViolation,
          onOutput: child.onOutput,
          onExit: child.onExit,
          send: child.send,
          exited: child.exited,
          // a clean exit, so that the profile gets written; SIGKILL if it does not come
          kill() {
            if (child.pid) process.kill(child.pid, 'SIGTERM');
            setTimeout(() => child.kill(), 3000).unref();
          },
        };
      },
    },
  };
}

/** Bundle files → sorted [line, module] markers from esbuild's `// path` comments. */
const markerCache = new Map();
function modulesOf(file) {
  if (!markerCache.has(file)) {
    const markers = [];
    try {
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((l, i) => {
          const m = /^\/\/ ((?:node_modules|electron|extensions)\/\S+)$/.exec(l);
          if (m) markers.push([i, m[1].replace(/^node_modules\//, '')]);
        });
    } catch {
      /* not a file we can read */
    }
    markerCache.set(file, markers);
  }
  return markerCache.get(file);
}
function moduleAt(url, line) {
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  let found = path.basename(file);
  for (const [l, m] of modulesOf(file)) {
    if (l > line) break;
    found = m;
  }
  return found;
}

const LOCKDOWN_FRAMES = new Set(['lockdown', 'repairIntrinsics', 'hardenIntrinsics']);
const isOurs = (url) => url.includes('/dist/sandbox/') || url.includes('/test/bench/');
const isLoader = (url) => url.endsWith('/dist/sandbox/bootstrap.cjs') && modulesOf(fileURLToPath(url)).length <= 5;

function classify(stack) {
  const leaf = stack[0].callFrame;
  if (/^\((idle|garbage collector|program|root)\)$/.test(leaf.functionName)) return leaf.functionName;
  const frames = stack.map((n) => n.callFrame);
  const ours = frames.filter((f) => f.url && isOurs(f.url));
  if (ours.some((f) => LOCKDOWN_FRAMES.has(f.functionName))) return 'ses lockdown()';
  if (ours.length === 0) return 'node internals (bootstrap, main module)';
  const f = ours[0];
  const who = isLoader(f.url)
    ? 'loader'
    : f.url.includes('/test/bench/')
      ? 'floor child'
      : /^(ses|@endo)\//.test(moduleAt(f.url, f.lineNumber))
        ? 'ses'
        : 'runtime';
  // frames between the leaf and our code: a require('node:…') of a builtin (compile + evaluate)
  const below = frames.slice(0, frames.indexOf(f));
  if (below.some((x) => x.functionName === 'compileForInternalLoader' || x.functionName === 'requireBuiltin')) {
    return `require('node:…') of builtins, from ${who}`;
  }
  if (who === 'loader') return 'loader (read, hash, compile/deserialize bundle)';
  if (who === 'floor child') return 'floor child script';
  const mod = moduleAt(f.url, f.lineNumber);
  if (/^(ses|@endo)\//.test(mod)) return 'ses module evaluation';
  if (/^(electron|extensions)\//.test(mod)) return 'warden runtime (electron/**)';
  if (/^zod\//.test(mod)) return 'zod';
  return `other bundled code (${mod.split('/')[0]})`;
}

/** Splits one profile at the host's marks (CLOCK_MONOTONIC µs) and sums ms per bucket. */
function analyse(profile, windows) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const stackCache = new Map();
  const stackOf = (id) => {
    if (!stackCache.has(id)) {
      const s = [];
      for (let n = byId.get(id); n; n = parent.get(n.id)) s.push(n);
      stackCache.set(id, s);
    }
    return stackCache.get(id);
  };
  const out = Object.fromEntries(windows.map((w) => [w.name, { buckets: {}, functions: {} }]));
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const w = windows.find((x) => t >= x.from && t < x.to);
    if (!w) continue;
    const stack = stackOf(profile.samples[i]);
    const bucket = classify(stack);
    const o = out[w.name];
    o.buckets[bucket] = (o.buckets[bucket] ?? 0) + dt;
    const f = stack[0].callFrame;
    const where = f.url ? `${isOurs(f.url) ? moduleAt(f.url, f.lineNumber) : f.url}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    o.functions[key] = (o.functions[key] ?? 0) + dt;
  }
  return out;
}

/** The measured child's profile (named with its pid: a code-cache priming run writes one too). */
function newestProfile(dir, before, pid) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
  const mine = files.filter((f) => f.split('.').includes(String(pid)));
  if (mine.length !== 1) throw new Error(`expected one new profile of pid ${pid} in ${dir}, found ${mine.length}`);
  for (const f of files) before.add(f);
  return JSON.parse(fs.readFileSync(path.join(dir, mine[0]), 'utf8'));
}

async function waitForFile(dir, seen, pid, timeoutMs = 5000) {
  const t0 = performance.now();
  const isMine = (f) => f.endsWith('.cpuprofile') && !seen.has(f) && f.split('.').includes(String(pid));
  while (!fs.readdirSync(dir).some(isMine)) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`no profile written in ${dir}`);
    await sleep(10);
  }
}

/**
 * Unprofiled probes: the loader's steps re-done with marks (performance.now() is ms since the
 * child's process start), written to stderr as one `PROBE {json}` line that the launcher's
 * output listener picks up. The sandbox bundle itself runs unchanged (lockdown first).
 */
function writeProbes() {
  const bundle = path.join(ROOT, 'dist', 'sandbox', 'sandbox.cjs');
  const hasBundle = fs.existsSync(bundle);
  const target = hasBundle ? bundle : BOOTSTRAP;
  const cacheFile = path.join(tmp, 'probe.v8cache');
  const sandboxProbe = (useCache) => `'use strict';
const t0 = performance.now();
const fs = require('node:fs');
const path = require('node:path');
const t1 = performance.now();
const crypto = require('node:crypto');
const t2 = performance.now();
const source = fs.readFileSync(${JSON.stringify(target)}, 'utf8');
crypto.createHash('sha256').update(source).digest('hex');
const t3 = performance.now();
const vm = require('node:vm');
let cachedData;
if (${useCache}) try { cachedData = fs.readFileSync(${JSON.stringify(cacheFile)}); } catch {}
const script = new vm.Script('(function (exports, require, module, __filename, __dirname) {' + source + '\\n})', {
  filename: ${JSON.stringify(target)},
  cachedData,
});
const t4 = performance.now();
const mod = { exports: {} };
script.runInThisContext()(mod.exports, require, mod, ${JSON.stringify(target)}, ${JSON.stringify(path.dirname(target))});
const t5 = performance.now();
if (${useCache} && !cachedData) fs.writeFileSync(${JSON.stringify(cacheFile)}, script.createCachedData());
process.stderr.write('PROBE ' + JSON.stringify({ boot: t0, fsPath: t1 - t0, crypto: t2 - t1, readHash: t3 - t2,
  compile: t4 - t3, execute: t5 - t4, cacheUsed: cachedData !== undefined && !script.cachedDataRejected }) + '\\n');
`;
  const files = {
    floor: path.join(tmp, 'probe-floor.cjs'),
    nocache: path.join(tmp, 'probe-nocache.cjs'),
    cache: path.join(tmp, 'probe-cache.cjs'),
  };
  fs.writeFileSync(
    files.floor,
    // performance.now() first: the process.stderr getter loads the stream modules
    `'use strict';\nconst t0 = performance.now();\nprocess.stderr.write('PROBE ' + JSON.stringify({ boot: t0 }) + '\\n');\nrequire(${JSON.stringify(FLOOR_CHILD)});\n`,
  );
  fs.writeFileSync(files.nocache, sandboxProbe(false));
  fs.writeFileSync(files.cache, sandboxProbe(true));
  return { files, target: path.relative(ROOT, target) };
}

async function probeStartup(runs) {
  const { files, target } = writeProbes();
  const cases = Object.entries(files).map(([key, file]) => {
    const inst = instrumentLauncher(core.createForkLauncher({ bootstrapPath: file, wall: 'none' }));
    instruments.push(inst);
    return { key, inst, runs: [] };
  });
  const one = async (c) => {
    const child = c.inst.launcher.launch({ extensionId: 'bench.probe', memoryMb: MEMORY_MB });
    let probe;
    child.onOutput((line) => {
      if (line.startsWith('PROBE ')) probe = JSON.parse(line.slice(6));
    });
    await new Promise((resolve, reject) => {
      child.onMessage((m) => (m?.t === 'hello' || m?.t === 'ready') && resolve());
      child.onExit(() => reject(new Error(`probe ${c.key} exited early`)));
    });
    const first = Math.min(
      c.inst.records.at(-1).marks.hello ?? Infinity,
      c.inst.records.at(-1).marks.ready ?? Infinity,
    );
    const spawnToFirst = first - c.inst.records.at(-1).spawnReturnedAt;
    await sleep(5); // the PROBE line may trail the frame
    child.kill();
    await child.exited;
    return { spawnToFirst, ...probe };
  };
  for (let i = 0; i < runs + 1; i++) {
    for (const c of shuffled(cases)) {
      const r = await one(c);
      if (i > 0) c.runs.push(r);
      await sleep(20);
    }
  }
  const rows = [
    ['spawn → first frame (host clock)', 'spawnToFirst'],
    ['process start → first line of entry script', 'boot'],
    ["require('node:fs'), ('node:path')", 'fsPath'],
    ["require('node:crypto')", 'crypto'],
    ['read bundle + sha256', 'readHash'],
    ['vm.Script compile (or cache deserialize)', 'compile'],
    ['run bundle: lockdown + ses + runtime → hello', 'execute'],
  ];
  const cell = (c, k) => {
    const xs = c.runs.map((r) => r[k]).filter((x) => typeof x === 'number');
    if (xs.length === 0) return '–';
    const s = summarize(xs);
    return `${fmt(s.min, 1)} / ${fmt(s.median, 1)}`;
  };
  const cacheUsed = cases.find((c) => c.key === 'cache').runs.every((r) => r.cacheUsed);
  return [
    `\nUnprofiled probe (${runs} runs, min / median ms; the probe re-does the loader's steps with marks around ${target};`,
    `code cache ${cacheUsed ? 'accepted in every run' : 'NOT always accepted'}):`,
    table(
      ['step', ...cases.map((c) => c.key)],
      rows.map(([label, k]) => [label, ...cases.map((c) => cell(c, k))]),
    ),
  ].join('\n');
}

/**
 * Node's builtin modules come with a code cache embedded in the binary, which V8 only accepts
 * when the process's V8 flags hash the same as at build time. The launcher always passes
 * `--max-old-space-size`, so every `require('node:…')` in an extension process compiles from
 * source. This measures the builtins the sandbox needs, with and without that flag.
 */
async function builtinsProbe(runs) {
  const { execFile } = await import('node:child_process');
  const script = path.join(tmp, 'builtins-probe.cjs');
  fs.writeFileSync(
    script,
    `'use strict';
const m = {};
let t = performance.now();
for (const name of ['net', 'v8', 'crypto', 'vm']) {
  require('node:' + name);
  const now = performance.now();
  m[name] = now - t;
  t = now;
}
process.stdout.write(JSON.stringify(m));
`,
  );
  const cases = { 'no flags': [], [`--max-old-space-size=${MEMORY_MB}`]: [] };
  const run = (flags) =>
    new Promise((resolve, reject) =>
      execFile(process.execPath, [...flags, script], { env: {} }, (err, stdout) =>
        err ? reject(err) : resolve(JSON.parse(stdout)),
      ),
    );
  for (let i = 0; i < runs; i++) {
    for (const key of shuffled(Object.keys(cases))) cases[key].push(await run(key === 'no flags' ? [] : [key]));
  }
  const names = ['net', 'v8', 'crypto', 'vm'];
  const cell = (key, name) => {
    const s = summarize(cases[key].map((r) => (name ? r[name] : names.reduce((a, n) => a + r[n], 0))));
    return `${fmt(s.min, 1)} / ${fmt(s.median, 1)}`;
  };
  return [
    `\nFirst require of the builtins the sandbox loads, in this order (${runs} runs, min / median ms):`,
    table(
      ['node flags', ...names.map((n) => `node:${n}`), 'total'],
      Object.keys(cases).map((key) => [key, ...names.map((n) => cell(key, n)), cell(key)]),
    ),
  ].join('\n');
}

async function main() {
  const extDir = writeBenchExtension(path.join(tmp, 'ext'), 'bench.profile');
  const loaded = await core.loadExtensionFolder(extDir);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const ext = loaded.extension;

  const cases = [
    { key: 'floor', ...profiledLauncher(FLOOR_CHILD, path.join(tmp, 'prof-floor')) },
    { key: 'default', ...profiledLauncher(BOOTSTRAP, path.join(tmp, 'prof-default')) },
  ];
  if (fs.readFileSync(BOOTSTRAP, 'utf8').includes('--code-cache-dir=')) {
    const codeCacheDir = path.join(tmp, 'code-cache');
    cases.push({ key: 'codeCache', ...profiledLauncher(BOOTSTRAP, path.join(tmp, 'prof-cache'), { codeCacheDir }) });
  }
  for (const c of cases) {
    c.dir = path.join(tmp, `prof-${c.key === 'codeCache' ? 'cache' : c.key}`);
    c.seen = new Set();
    c.runs = [];
  }

  const runCase = async (c) => {
    const t0 = performance.now();
    let first;
    let ready;
    let result;
    let child;
    if (c.key === 'floor') {
      child = c.launcher.launch({ extensionId: 'bench.floor', memoryMb: MEMORY_MB });
      await new Promise((r) => child.onMessage((m) => m?.t === 'ready' && r()));
      first = ready = result = performance.now();
      child.kill();
      await child.exited;
    } else {
      const s = core.createSupervisor({ launcher: c.launcher, dataDir: path.join(tmp, `data-${c.key}`) });
      s.add(ext);
      await s.invoke(ext.manifest.id, 'ping', {});
      const rec = c.inst.records[c.inst.records.length - 1];
      first = rec.marks.hello;
      ready = rec.marks.ready;
      result = rec.marks.result;
      await s.stopAll();
    }
    const rec = c.inst.records[c.inst.records.length - 1];
    await waitForFile(c.dir, c.seen, rec.pid);
    const profile = newestProfile(c.dir, c.seen, rec.pid);
    const spawnUs = toMonoUs(rec.spawnReturnedAt);
    const windows = [
      { name: 'spawn→first frame', from: -Infinity, to: toMonoUs(first) },
      { name: 'hello→ready', from: toMonoUs(first), to: toMonoUs(ready) },
    ];
    return {
      totalMs: result - t0,
      spawnToFirstMs: first - rec.spawnReturnedAt,
      helloToReadyMs: ready - first,
      beforeProfilerMs: (profile.startTime - spawnUs) / 1000,
      ...analyse(profile, windows),
    };
  };

  for (let i = 0; i < RUNS + 1; i++) {
    for (const c of shuffled(cases)) {
      const r = await runCase(c);
      if (i > 0) c.runs.push(r); // run 0 primes the code cache and warms the host
      await sleep(20);
    }
    process.stderr.write(`  profiled round ${i}/${RUNS}\n`);
  }

  const med = (xs) => summarize(xs).median;
  const out = [];
  out.push(`\nCold-start profile, ${RUNS} runs per case, medians in ms (profiling inflates all figures)\n`);
  out.push(
    table(
      ['', ...cases.map((c) => c.key)],
      [
        ['spawn → first frame (host clock)', ...cases.map((c) => fmt(med(c.runs.map((r) => r.spawnToFirstMs)), 1))],
        ['  of which before profiler starts', ...cases.map((c) => fmt(med(c.runs.map((r) => r.beforeProfilerMs)), 1))],
        ['hello → ready (host clock)', ...cases.map((c) => fmt(med(c.runs.map((r) => r.helloToReadyMs)), 1))],
      ],
    ),
  );
  for (const win of ['spawn→first frame', 'hello→ready']) {
    const buckets = [...new Set(cases.flatMap((c) => c.runs.flatMap((r) => Object.keys(r[win].buckets))))];
    const rows = buckets
      .map((b) => [b, ...cases.map((c) => med(c.runs.map((r) => r[win].buckets[b] ?? 0)))])
      .sort((a, b) => b[2] - a[2])
      .map(([b, ...v]) => [b, ...v.map((x) => fmt(x, 1))]);
    out.push(`\nCPU profile, window "${win}" (sampled ms per run, median):`);
    out.push(table(['bucket', ...cases.map((c) => c.key)], rows));
  }
  for (const c of cases.filter((x) => x.key !== 'floor')) {
    const fns = {};
    for (const r of c.runs) {
      for (const [k, v] of Object.entries(r['spawn→first frame'].functions)) fns[k] = (fns[k] ?? 0) + v / c.runs.length;
    }
    const top = Object.entries(fns)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([k, v]) => [k.length > 90 ? `${k.slice(0, 87)}...` : k, fmt(v, 2)]);
    out.push(`\nTop self time before hello, case "${c.key}" (mean ms per run):`);
    out.push(table(['function (module:line)', 'ms'], top));
  }
  out.push(await probeStartup(Math.max(RUNS, 10)));
  out.push(await builtinsProbe(Math.max(RUNS, 10)));
  console.log(out.join('\n'));
}

try {
  await main();
} catch (err) {
  process.stderr.write(`profile failed: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
} finally {
  await Promise.all(instruments.map((i) => i.killAll()));
  fs.rmSync(tmp, { recursive: true, force: true });
}
