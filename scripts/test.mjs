// `npm test`: build once, check (types, lint, format), run every vitest tier, then the browser
// end-to-end tier, and end with the runners' own counts as `tests: N passed, N failed, N skipped`.
// Where no Chromium-family browser exists the browser tier is SKIPPED, said loudly and counted as
// skipped: neither failed nor silently passed (WARDEN_REQUIRE_BROWSER=1, set by .ci/run, makes
// it a failure instead). `--only e2e` runs just the browser tier (dist/ must
// already be built).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const { findChromium, HOW_TO_GET_ONE } = createRequire(import.meta.url)('./find-chromium.cjs');

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
let skipped = 0;
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const runs = (name) => only === undefined || only === name;

if (runs('build') && !step('build', node, ['scripts/build.mjs'])) {
  console.log('\ntests: 0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
for (const [title, args] of [
  ['type check', ['scripts/typecheck.mjs']],
  ['lint', ['node_modules/eslint/bin/eslint.js', '--max-warnings', '0', '.']],
  ['format check', ['node_modules/prettier/bin/prettier.cjs', '--check', '.']],
]) {
  if (runs('checks') && !step(title, node, args)) failedSteps++;
}

if (runs('vitest')) runVitest();
if (runs('e2e') && fs.existsSync(path.join(root, 'playwright.config.ts'))) runBrowserTier();

if (failedSteps > 0) failed += failedSteps;
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);

function runVitest() {
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
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  } catch {
    failed += 1;
  }
  if (!vitestOk && failed === 0) failed = 1;
}

/** End-to-end in a Chromium-family browser against headless mode (playwright.config.ts). */
function runBrowserTier() {
  const browser = findChromium();
  if (!browser.path) {
    const count = countBrowserTests();
    const bar = '!'.repeat(78);
    console.log(`\n${bar}`);
    for (const p of browser.problems) console.log(`!! ${p}`);
    console.log(`!! BROWSER TIER SKIPPED: no Chromium-family browser found (looked for $CHROME_PATH,`);
    console.log(
      `!! ${['chromium', 'chromium-browser', 'google-chrome', '…'].join(', ')} on PATH, and Playwright's own).`,
    );
    console.log(`!! ${count} end-to-end test${count === 1 ? '' : 's'} did not run. ${HOW_TO_GET_ONE}`);
    console.log(bar);
    // CI installs Chromium (.ci/run) and must never pass without the browser tier.
    if (process.env.WARDEN_REQUIRE_BROWSER === '1') failed += Math.max(count, 1);
    else skipped += count;
    return;
  }
  const e2eJson = path.join(results, 'e2e.json');
  fs.rmSync(e2eJson, { force: true });
  const ok = step(
    `end-to-end (${path.basename(browser.path)} from ${browser.from}, headless mode)`,
    node,
    ['node_modules/@playwright/test/cli.js', 'test'],
    { PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson, CHROME_PATH: browser.path },
  );
  try {
    const stats = JSON.parse(fs.readFileSync(e2eJson, 'utf8')).stats;
    passed += stats.expected + (stats.flaky ?? 0);
    failed += stats.unexpected;
    skipped += stats.skipped ?? 0;
  } catch {
    failed += 1;
  }
  if (!ok && failed === 0) failed = 1;
}

/** How many browser tests exist (Playwright lists them without launching a browser). */
function countBrowserTests() {
  const r = spawnSync(node, ['node_modules/@playwright/test/cli.js', 'test', '--list'], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  const m = /Total: (\d+) tests?/.exec(r.stdout ?? '');
  if (!m) {
    // Not even listable: that is a failure of the suite, not a missing browser.
    console.log(r.stdout, r.stderr);
    failed += 1;
    return 0;
  }
  return Number(m[1]);
}
