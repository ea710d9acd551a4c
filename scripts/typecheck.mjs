// Type-checks every runtime against its own tsconfig (and so its own globals and libraries).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const projects = [
  'electron/common',
  'electron/sandbox',
  'electron/core',
  'electron/main',
  'electron/preload',
  'electron/web',
  'renderer',
  'extensions/sdk',
  'test',
].filter((p) => fs.existsSync(`${p}/tsconfig.json`));

let failed = 0;
for (const p of projects) {
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', p], { stdio: 'inherit' });
  } catch {
    failed++;
    console.error(`typecheck failed: ${p}`);
  }
}
if (failed) process.exit(1);
console.log(`typecheck: ${projects.length} projects OK`);
