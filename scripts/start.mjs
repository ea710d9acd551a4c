// `npm start`: the desktop app where the Electron binary is available; otherwise the same panel
// in the browser (headless mode), saying why. Never `require('electron')` to find out: that would
// try to download the binary.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pathTxt = path.join(root, 'node_modules', 'electron', 'path.txt');
const binary = fs.existsSync(pathTxt)
  ? path.join(root, 'node_modules', 'electron', 'dist', fs.readFileSync(pathTxt, 'utf8').trim())
  : undefined;
const mainBuilt = fs.existsSync(path.join(root, 'dist', 'main', 'index.cjs'));

const run = (cmd, args) => {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
};

if (binary && fs.existsSync(binary) && mainBuilt) {
  run(binary, ['.']);
} else {
  console.log(
    binary && fs.existsSync(binary)
      ? 'Warden: the desktop app is not built (dist/main is missing: run `npm run build`); starting headless mode instead.'
      : 'Warden: the Electron binary is not installed on this machine (it could not be downloaded), so the app runs in headless mode: the same panel, in your browser.',
  );
  const cli = path.join(root, 'dist', 'cli', 'warden.cjs');
  if (!fs.existsSync(cli)) {
    console.log('Warden: nothing is built yet: run `npm install` (or `npm run build`) first.');
    process.exit(1);
  }
  run(process.execPath, [cli, 'serve', '--examples', '--open', ...process.argv.slice(2)]);
}
