// `npm start`: the desktop app where the Electron binary is available; otherwise the same panel
// in the browser (headless mode), saying why. Never `require('electron')` to find out: that would
// try to download the binary.
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.join(root, 'node_modules', 'electron');
const pathTxt = path.join(electronDir, 'path.txt');
const args = process.argv.slice(2);
const headlessAsked = args.includes('--headless') || process.env.WARDEN_HEADLESS === '1';
const serveArgs = args.filter((a) => a !== '--headless');

/** The Electron executable, if it has been fetched. */
const electronBinary = () => {
  if (!fs.existsSync(pathTxt)) return undefined;
  const binary = path.join(electronDir, 'dist', fs.readFileSync(pathTxt, 'utf8').trim());
  return fs.existsSync(binary) ? binary : undefined;
};

/**
 * Electron 45 has no install script: its binary is fetched on first use. Fetch it here, once,
 * with Electron's own installer (checksummed against checksums.json), rather than by requiring
 * `electron`. Returns why it could not be had, or undefined once the binary is there.
 */
function fetchElectron() {
  if (!fs.existsSync(path.join(electronDir, 'install.js'))) return 'the electron package is not installed';
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return 'ELECTRON_SKIP_BINARY_DOWNLOAD is set';
  console.log('Warden: fetching the Electron binary (first start only; `npm start -- --headless` skips it)…');
  const r = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (r.status === 0 && electronBinary()) return undefined;
  const why = (r.stderr ?? '').split('\n').find((l) => /error|failed/i.test(l)) ?? (r.error ? String(r.error) : '');
  return `it could not be downloaded${why ? ` (${why.trim().slice(0, 160)})` : ''}`;
}

let why;
if (headlessAsked) why = 'headless mode was asked for';
else if (!electronBinary()) why = fetchElectron();
const binary = electronBinary();
const mainBuilt = fs.existsSync(path.join(root, 'dist', 'main', 'index.cjs'));

const run = (cmd, args) => {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
};

if (!why && binary && mainBuilt) {
  run(binary, ['.']);
} else {
  console.log(
    headlessAsked
      ? 'Warden: headless mode, as asked: the same panel, in your browser.'
      : why
        ? `Warden: not starting the desktop app: ${why}. The app runs in headless mode instead: the same panel, in your browser.`
        : 'Warden: the desktop app is not built (dist/main is missing: run `npm run build`); starting headless mode instead.',
  );
  const cli = path.join(root, 'dist', 'cli', 'warden.cjs');
  if (!fs.existsSync(cli)) {
    console.log('Warden: nothing is built yet: run `npm install` (or `npm run build`) first.');
    process.exit(1);
  }
  run(process.execPath, [cli, 'serve', '--examples', '--open', ...serveArgs]);
}
