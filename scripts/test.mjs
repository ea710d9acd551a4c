// `npm test`: build once, check (types, lint, format), run every vitest tier, then the browser
// end-to-end tier, and end with the runners' own counts as `tests: N passed, N failed`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = path.join(root, 'test-results');
fs.mkdirSync(results, { recursive: true });
const env = { ...process.env, WARDEN_SKIP_BUILD: '1' };
const step = (title, cmd, args, extraEnv = {}) => {
  console.log(`\n--- ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...env, ...extraEnv } });
  return r.status === 0;
};
const node = process.execPath;
let failedSteps = 0;
let passed = 0;
let failed = 0;

if (!step('build', node, ['scripts/build.mjs'])) {
  console.log('\ntests: 0 passed, 1 failed');
  process.exit(1);
}
for (const [title, args] of [
  ['type check', ['scripts/typecheck.mjs']],
  ['lint', ['node_modules/eslint/bin/eslint.js', '--max-warnings', '0', '.']],
  ['format check', ['node_modules/prettier/bin/prettier.cjs', '--check', '.']],
]) {
  if (!step(title, node, args)) failedSteps++;
}

const vitestJson = path.join(results, 'vitest.json');
fs.rmSync(vitestJson, { force: true });
const vitestOk = step('vitest (unit, integration, security, compat, renderer)', node, [
  'node_modules/vitest/vitest.mjs',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);
try {
  const r = JSON.parse(fs.readFileSync(vitestJson, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
} catch {
  failed += 1;
}
if (!vitestOk && failed === 0) failed = 1;

// End-to-end in Debian Chromium against headless mode (playwright.config.ts), when present.
if (fs.existsSync(path.join(root, 'playwright.config.ts'))) {
  const e2eJson = path.join(results, 'e2e.json');
  fs.rmSync(e2eJson, { force: true });
  const ok = step('end-to-end (Chromium, headless mode)', node, ['node_modules/@playwright/test/cli.js', 'test'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson,
  });
  try {
    const stats = JSON.parse(fs.readFileSync(e2eJson, 'utf8')).stats;
    passed += stats.expected + (stats.flaky ?? 0);
    failed += stats.unexpected;
  } catch {
    failed += 1;
  }
  if (!ok && failed === 0) failed = 1;
}

if (failedSteps > 0) failed += failedSteps;
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
