// Warden package benchmark (docs/publishing.md): `node test/bench/packages.mjs`. Standalone: it bundles
// electron/core/packages/index.ts with esbuild into a temp file and measures the product code.
//
// WHAT IS MEASURED (real files in a temp folder on the same disk as the data folder)
// 1. Install of a 5 MiB package. Subject: `installPackage(dataDir, file, 'install', { hashWorker:
//    true })` into a fresh data folder, as the app host installs (its registry hashes the package
//    on a second thread, hash-worker.ts, warmed when the user opens the package's brief; here by
//    the warm-up rounds), timed until it returns: install lock, recovery (unflushed versions settled,
//    leftovers swept), the package read in 1 MiB slices (it is under the 16 MiB in-memory bound)
//    and hashed, tar parse, every entry hashed and written, signature + file-list verification,
//    rename into place, and the commit: state.json (itself fsync'd before its rename) naming the
//    new version marked `unflushed`. It returns there; the flush of the files and folders, a second
//    durable state.json that clears the mark, and the removal of replaced versions follow, the
//    install lock held until they end (docs/publishing.md, "Durability"). Floor: read the same
//    files (5 MiB bundle + the small ones) from the source folder, write copies into a fresh folder
//    and SHA-256 them (no fsync). Rounds interleave the cases (order shuffled each round). Goal:
//    median ratio ≤ 2.
//    Also shown: the same floor made durable (each copy fsync'd); the subject until durable
//    (until `flushesDone`); the one-shot CLI's way (no hashing worker: starting one costs more
//    than it saves; until durable, what `warden install` waits for before it exits, without the
//    process start); the subject with `fsync: false` (no flush, no mark); and `verify` alone
//    (extract to nowhere + verify: what `warden verify` does).
// 2. Activation-time hash check: what the supervisor does at every activation of an installed
//    package, read the 1 MiB bundle and SHA-256 it, compared with the signed hash. Goal: median
//    ≤ 5 ms.
// The load average is printed before and after: the machine may be shared, so compare runs only
// at similar load, and repeat.
// Env: BENCH_PKG_ROUNDS (default 15).
import { build } from 'esbuild';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { summarize, shuffled, table, fmt } from './stats.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const rounds = Number(process.env.BENCH_PKG_ROUNDS ?? 15);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-bench-pkg-'));
const outfile = path.join(work, 'packages.cjs');
await build({
  entryPoints: [path.join(root, 'electron/core/packages/index.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile,
  logLevel: 'warning',
  absWorkingDir: root,
});
const pkgs = createRequire(import.meta.url)(outfile);
const loadBefore = os.loadavg();

/** JS-like text (compresses about like a real minified bundle). */
function bundleText(bytes) {
  const words = [
    'function',
    'return',
    'const',
    'let',
    'if',
    'else',
    'for',
    'await',
    'async',
    'host',
    'commands',
    'register',
    'value',
    'length',
    'push',
    'map',
    'filter',
    'exports',
    'module',
    'null',
    'undefined',
    'true',
    'false',
  ];
  const parts = ['exports.activate = () => { host.commands.register("hello", () => "hello"); };\n'];
  let size = parts[0].length;
  while (size < bytes) {
    const line = `var _${crypto.randomBytes(3).toString('hex')}=${words[Math.floor(Math.random() * words.length)]}(${Math.floor(Math.random() * 1e6)},"${crypto.randomBytes(6).toString('base64')}");\n`;
    parts.push(line);
    size += line.length;
  }
  return parts.join('').slice(0, bytes);
}

function writeExt(dir, mainBytes) {
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      id: 'bench.big',
      name: 'Big',
      version: '1.0.0',
      publisher: 'bench',
      main: 'dist/extension.js',
      engines: { warden: '^1.0.0' },
      contributes: { commands: [{ id: 'hello', title: 'Hello' }] },
    }),
  );
  fs.writeFileSync(path.join(dir, 'dist', 'extension.js'), bundleText(mainBytes));
  fs.writeFileSync(path.join(dir, 'README.md'), '# big\n');
}

const key = pkgs.generateKeyPair();
const src = path.join(work, 'src');
writeExt(src, 5 * 1024 * 1024);
const packed = await pkgs.packExtension(src, key);
const wext = path.join(work, 'big.wext');
fs.writeFileSync(wext, packed.bytes);

let n = 0;
async function floorCopy() {
  const dest = path.join(work, `copy-${n++}`);
  const t0 = performance.now();
  for (const rel of packed.files) {
    const data = fs.readFileSync(path.join(src, rel));
    fs.mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
    fs.writeFileSync(path.join(dest, rel), data);
    crypto.createHash('sha256').update(data).digest('hex');
  }
  const ms = performance.now() - t0;
  fs.rmSync(dest, { recursive: true, force: true });
  return ms;
}
/** The same copy made durable: each file fsync'd before close, as an installer must. */
async function floorDurable() {
  const dest = path.join(work, `copy-${n++}`);
  const t0 = performance.now();
  for (const rel of packed.files) {
    const data = fs.readFileSync(path.join(src, rel));
    fs.mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
    const fd = fs.openSync(path.join(dest, rel), 'w');
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    crypto.createHash('sha256').update(data).digest('hex');
  }
  const ms = performance.now() - t0;
  fs.rmSync(dest, { recursive: true, force: true });
  return ms;
}
async function install(fsync, untilDurable = false, hashWorker = true) {
  const dataDir = path.join(work, `data-${n++}`);
  const t0 = performance.now();
  await pkgs.installPackage(dataDir, wext, 'install', { fsync, hashWorker });
  if (untilDurable) await pkgs.flushesDone(dataDir);
  const ms = performance.now() - t0;
  await pkgs.flushesDone(dataDir); // the deferred flush ends before the next case starts
  fs.rmSync(dataDir, { recursive: true, force: true });
  return ms;
}
async function verifyOnly() {
  const t0 = performance.now();
  pkgs.verifyPackage(await pkgs.extractPackage(wext, undefined));
  return performance.now() - t0;
}

const cases = {
  floor: floorCopy,
  floorDurable,
  install: () => install(true),
  installDurable: () => install(true, true),
  installCli: () => install(true, true, false),
  installNoFsync: () => install(false),
  verify: verifyOnly,
};
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < 3; i++) for (const fn of Object.values(cases)) await fn(); // warm-up
for (let r = 0; r < rounds; r++) {
  for (const name of shuffled(Object.keys(cases))) samples[name].push(await cases[name]());
}
const s = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)]));

// 2. Activation-time hash check of a 1 MiB bundle.
const oneMiB = path.join(work, 'one-mib.js');
fs.writeFileSync(oneMiB, bundleText(1024 * 1024));
const expected = crypto.createHash('sha256').update(fs.readFileSync(oneMiB)).digest('hex');
const hashSamples = [];
for (let i = 0; i < 5; i++) crypto.createHash('sha256').update(fs.readFileSync(oneMiB)).digest('hex');
for (let i = 0; i < rounds * 4; i++) {
  const t0 = performance.now();
  const ok =
    crypto
      .createHash('sha256')
      .update(await fs.promises.readFile(oneMiB))
      .digest('hex') === expected;
  hashSamples.push(performance.now() - t0);
  if (!ok) throw new Error('hash mismatch');
}
const h = summarize(hashSamples);

const ratio = s.install.median / s.floor.median;
const loadAfter = os.loadavg();
const load = (l) => l.map((v) => v.toFixed(2)).join(' ');
const row = (name, st) => [name, fmt(st.min), fmt(st.median), fmt(st.p90)];
console.log(
  `package: ${packed.files.length} files, ${fs.statSync(path.join(src, 'dist/extension.js')).size} bytes of bundle, ${packed.bytes.length} bytes as .wext; ${rounds} rounds; ` +
    `load average ${load(loadBefore)} before, ${load(loadAfter)} after (${os.cpus().length} CPUs)\n`,
);
console.log(
  table(
    ['case (ms)', 'min', 'median', 'p90'],
    [
      row('floor: copy + SHA-256', s.floor),
      row('floor: copy + fsync + SHA-256', s.floorDurable),
      row('install, app host (returns at the commit)', s.install),
      row('install, app host, until durable', s.installDurable),
      row('install, CLI way (no worker), until durable', s.installCli),
      row('install (no fsync)', s.installNoFsync),
      row('verify only', s.verify),
      row('activation hash, 1 MiB', h),
    ],
  ),
);
const verdicts = [
  ['install (app host) / floor, median', fmt(ratio), '≤ 2', ratio <= 2 ? 'PASS' : 'MISSED'],
  ['install, CLI way, until durable / floor, median', fmt(s.installCli.median / s.floor.median), '(info)', ''],
  ['install (no fsync) / floor, median', fmt(s.installNoFsync.median / s.floor.median), '(info)', ''],
  ['install until durable / floor, median', fmt(s.installDurable.median / s.floor.median), '(info)', ''],
  ['install until durable / durable floor, median', fmt(s.installDurable.median / s.floorDurable.median), '(info)', ''],
  ['verify only / floor, median', fmt(s.verify.median / s.floor.median), '(info)', ''],
  ['activation hash 1 MiB, median ms', fmt(h.median), '≤ 5', h.median <= 5 ? 'PASS' : 'MISSED'],
];
console.log(`\n${table(['figure', 'value', 'goal', ''], verdicts)}`);
console.log(
  JSON.stringify({
    rounds,
    load: { before: loadBefore, after: loadAfter },
    floor: s.floor,
    floorDurable: s.floorDurable,
    install: s.install,
    installDurable: s.installDurable,
    installCli: s.installCli,
    installNoFsync: s.installNoFsync,
    verify: s.verify,
    activationHash: h,
    ratio,
  }),
);
await pkgs.closePackageHasher();
fs.rmSync(work, { recursive: true, force: true });
