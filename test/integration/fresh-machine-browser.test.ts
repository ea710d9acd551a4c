// `npm test` on a machine without any Chromium-family browser: the browser tier is reported as
// SKIPPED, loudly, and counted as skipped in the final line — not failed, not silently passed.
// Runs the real scripts/test.mjs (only its browser tier) with a PATH that holds no browser.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-no-browser-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** scripts/test.mjs's browser tier only, on a machine where PATH and Playwright's cache hold no browser. */
function runWithoutBrowser(extraEnv: NodeJS.ProcessEnv = {}) {
  const emptyPath = fs.mkdtempSync(path.join(tmp, 'bin-'));
  const noPlaywrightBrowsers = fs.mkdtempSync(path.join(tmp, 'ms-playwright-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: emptyPath, PLAYWRIGHT_BROWSERS_PATH: noPlaywrightBrowsers };
  delete env.CHROME_PATH;
  delete env.WARDEN_REQUIRE_BROWSER;
  return spawnSync(process.execPath, ['scripts/test.mjs', '--only', 'e2e'], {
    cwd: ROOT,
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
  });
}

it('reports the browser tier as skipped when no browser exists', () => {
  const r = runWithoutBrowser();
  expect(r.stdout).toMatch(/BROWSER TIER SKIPPED: no Chromium-family browser found/);
  expect(r.stdout).toMatch(/CHROME_PATH/);
  const summary = r.stdout.trim().split('\n').at(-1)!;
  const m = /^tests: 0 passed, 0 failed, (\d+) skipped$/.exec(summary);
  expect(m, summary).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThan(0);
  expect(r.status).toBe(0);
});

it('fails instead in CI, which always installs a browser (WARDEN_REQUIRE_BROWSER=1 from .ci/run)', () => {
  const r = runWithoutBrowser({ WARDEN_REQUIRE_BROWSER: '1' });
  expect(r.stdout).toMatch(/BROWSER TIER SKIPPED/);
  expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^tests: 0 passed, [1-9]\d* failed, 0 skipped$/);
  expect(r.status).toBe(1);
});
