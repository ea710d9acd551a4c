// Runs `warden build` on every folder in extensions/examples that has a src/ entry.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

export async function buildExamples(root) {
  const dir = path.join(root, 'extensions', 'examples');
  const cli = path.join(root, 'dist', 'cli', 'warden.cjs');
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
    if (!fs.existsSync(path.join(dir, name, 'src'))) continue;
    execFileSync(process.execPath, [cli, 'build', path.join(dir, name)], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}
