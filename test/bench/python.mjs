// Python extensions (issue 17 item 4): start-up costs, as ratios. Not wired into CI or run.mjs.
//   node scripts/build.mjs && node test/bench/python.mjs [rounds]
// - cold: Warden's snapshot maker (`bootstrap.cjs --python-snapshot=…`): lockdown, the glue in its
//   Compartment, a full interpreter start, then the ~30 MiB snapshot written;
// - python run: `warden run` of a Python command starting from that snapshot;
// - js run: `warden run` of a JavaScript example command, for comparison.
// - app host: in one long-running host (createAppHost, as `warden serve` and the app make it), a
//   Python extension's start from the snapshot, then from the warm pool's Python-ready spare
//   (interpreter already started): the time to the first answer, and the sandbox's own figure.
// Each value is the median of `rounds` runs, interleaved; the machine's load is printed with them.
// Goals (issue 17): cold ≤ 1.5 s, warm ≤ 100 ms on a quiet machine — compare the ratios.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'cli', 'warden.cjs');
const bootstrap = path.join(root, 'dist', 'sandbox', 'bootstrap.cjs');
const rounds = Number(process.argv[2] ?? 3);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-bench-python-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(args) {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return performance.now() - t;
}

const data = path.join(work, 'data');
// The first run makes the snapshot: every python run below starts from it.
execFileSync(process.execPath, [
  cli,
  'run',
  path.join(root, 'extensions/examples/py-json-tools'),
  'py-json-tools.format',
  '--args',
  '{"text":"[1]"}',
  '--data-dir',
  data,
]);
const cold = [];
const py = [];
const js = [];
for (let i = 0; i < rounds; i++) {
  cold.push(timed([bootstrap, `--python-snapshot=${path.join(work, `snap-${i}`)}`]));
  py.push(
    timed([
      cli,
      'run',
      path.join(root, 'extensions/examples/py-json-tools'),
      'py-json-tools.format',
      '--args',
      '{"text":"[1]"}',
      '--data-dir',
      data,
    ]),
  );
  js.push(
    timed([
      cli,
      'run',
      path.join(root, 'extensions/examples/text-tools'),
      'text.stats',
      '--args',
      '{"text":"a b"}',
      '--data-dir',
      data,
    ]),
  );
}
// In one app host: stop/start the extension, first with no pool (snapshot), then with a pool.
const core = createRequire(import.meta.url)(path.join(root, 'dist', 'core', 'index.cjs'));
const ext = path.join(root, 'extensions/examples/py-json-tools');
async function appHostStarts(withPool) {
  const dataDir = path.join(work, withPool ? 'app-pool' : 'app');
  const snapshots = { bootstrapPath: bootstrap, dir: path.join(dataDir, 'cache', 'v8') };
  const inner = core.createForkLauncher({ bootstrapPath: bootstrap, codeCacheDir: snapshots.dir });
  let spareReady = 0;
  // Counts the spares that said their interpreter is up (python-start.ts), so a start is timed
  // only once a spare is waiting, as in a host that has been running for a while.
  const watching = {
    wall: inner.wall,
    launch(spec) {
      const child = inner.launch(spec);
      if (spec.extensionId === '(python pool)')
        child.onMessage((m) => m?.t === 'log' && /python spare ready/.test(m.text) && spareReady++);
      return child;
    },
  };
  const pool = withPool
    ? core.createWarmPool(watching, {
        size: 1,
        memoryMb: 128,
        python: {
          snapshot: () => core.pythonSnapshot(snapshots),
          verified: () => core.pythonRuntimeVerified(snapshots),
        },
      })
    : undefined;
  const lines = [];
  const logger = core.createLogger((e) => /python (started|spare ready) in/.test(e.msg) && lines.push(e.msg));
  const host = core.createAppHost({
    dataDir,
    launcher: pool ?? inner,
    mode: 'headless',
    version: '1.0.0',
    devFolders: [ext],
    pythonSnapshot: snapshots,
    logger,
  });
  await host.start();
  await core.pythonSnapshot(snapshots);
  const wall = [];
  for (let i = 0; i < rounds; i++) {
    if (pool) while (spareReady <= i) await new Promise((r) => setTimeout(r, 100));
    const t = performance.now();
    const r = await host.handle('commands.run', {
      runId: `b${i}`,
      extensionId: 'warden-examples.py-json-tools',
      commandId: 'py-json-tools.format',
      args: { text: '[1]' },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    wall.push(performance.now() - t);
    await host.handle('extensions.stop', { id: 'warden-examples.py-json-tools' });
  }
  await host.close();
  pool?.close();
  const inner_ = lines.filter((l) => /python started in/.test(l)).map((l) => Number(/in (\d+) ms/.exec(l)[1]));
  return { wall: median(wall), inner: median(inner_), lines };
}
const snapApp = await appHostStarts(false);
const warmApp = await appHostStarts(true);

const c = median(cold);
const p = median(py);
const j = median(js);
console.log(
  `load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}, ${rounds} rounds (median ms)`,
);
console.log(`python cold start + snapshot write: ${c.toFixed(0)} ms`);
console.log(`warden run, python from snapshot:   ${p.toFixed(0)} ms   (${(p / c).toFixed(2)}× the cold start)`);
console.log(`warden run, javascript:             ${j.toFixed(0)} ms   (python/js ${(p / j).toFixed(2)}×)`);
console.log(
  `app host, from the snapshot:        ${snapApp.wall.toFixed(0)} ms to the answer (sandbox: ${snapApp.inner} ms; ${(snapApp.wall / c).toFixed(2)}× the cold start)`,
);
console.log(
  `app host, warm Python spare:        ${warmApp.wall.toFixed(0)} ms to the answer (sandbox: ${warmApp.inner} ms; ${(warmApp.wall / snapApp.wall).toFixed(2)}× the snapshot start)`,
);
console.log(`  ${[...snapApp.lines, ...warmApp.lines].join('\n  ')}`);
fs.rmSync(work, { recursive: true, force: true });
