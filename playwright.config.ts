// End-to-end tier: the real headless server (`warden serve`) driven through a Chromium-family
// browser already on the machine (scripts/find-chromium.cjs: $CHROME_PATH, chromium, google-chrome,
// …); none is downloaded. `npm test` (scripts/test.mjs) runs this after vitest and reads the JSON
// report's stats; where no browser exists it reports the tier as skipped instead of running it.
import { defineConfig } from '@playwright/test';
import { findChromium, HOW_TO_GET_ONE } from './scripts/find-chromium.cjs';

const browser = findChromium();
if (!browser.path) {
  for (const p of browser.problems) console.error(`warning: ${p}`);
  console.error(`warning: no Chromium-family browser found; the browser tests cannot run. ${HOW_TO_GET_ONE}`);
}

export default defineConfig({
  testDir: 'test/e2e',
  globalSetup: './test/e2e/global-setup.ts',
  // One server per spec file and one browser at a time: the machine has two cores, and the
  // timing-sensitive specs (watchdog kills, the run-latency benchmark) need them.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'test-results/e2e.json' }]],
  outputDir: 'test-results/e2e-artifacts',
  use: {
    browserName: 'chromium',
    viewport: { width: 1024, height: 700 },
    colorScheme: 'light',
    launchOptions: {
      ...(browser.path ? { executablePath: browser.path } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
