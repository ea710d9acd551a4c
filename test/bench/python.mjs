// Python extensions (issue 17 item 4): start-up costs, as ratios. Not wired into CI or run.mjs.
//   node scripts/build.mjs && node test/bench/python.mjs [rounds]
// - cold: Warden's snapshot maker (`bootstrap.cjs --python-snapshot=…`): lockdown, the glue in its
//   Compartment, a full interpreter start, then the ~30 MiB snapshot written;
// - python run: `warden run` of a Python command starting from that snapshot;
// - js run: `warden run` of a JavaScript example command, for comparison.
// Each value is the median of `rounds` runs, interleaved; the machine's load is printed with them.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
fs.rmSync(work, { recursive: true, force: true });
