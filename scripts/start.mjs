// `npm start`: runs the desktop app where the Electron binary is available; otherwise says what
// can be used instead. Never `require('electron')` to find out: that would try to download it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pathTxt = path.join(root, 'node_modules', 'electron', 'path.txt');
const binary = fs.existsSync(pathTxt)
  ? path.join(root, 'node_modules', 'electron', 'dist', fs.readFileSync(pathTxt, 'utf8').trim())
  : undefined;
const hasElectron = binary !== undefined && fs.existsSync(binary);

console.log(
  [
    hasElectron
      ? 'Warden: the Electron binary is present, but the desktop window is not part of this build yet.'
      : 'Warden: the Electron binary is not installed on this machine (it could not be downloaded).',
    'The desktop panel and the headless browser mode are not built yet; the extension runtime is.',
    'Try it from the command line:',
    '',
    '  npm run warden -- run extensions/examples/notes notes.add --args \'{"text":"hello"}\'',
    '  npm run warden -- run extensions/examples/notes notes.list',
    '  npm run warden -- run extensions/examples/text-tools text.stats --args \'{"text":"One two. Three!"}\'',
    '  npm run warden -- help',
  ].join('\n'),
);
