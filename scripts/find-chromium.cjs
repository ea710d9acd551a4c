// Finds a Chromium-family browser for the e2e tier (Playwright drives it; none is downloaded).
// Order: $CHROME_PATH, then the usual names on $PATH, then the usual install places of macOS and
// Windows, then a browser Playwright itself installed (`npx playwright install chromium`).
// Shared by playwright.config.ts and scripts/test.mjs so both agree on the browser, or on its absence.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const NAMES = [
  'chromium',
  'chromium-browser',
  'google-chrome',
  'google-chrome-stable',
  'chrome',
  'microsoft-edge',
  'microsoft-edge-stable',
  'brave-browser',
];

function isExecutableFile(file) {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function installPlaces(env, platform) {
  if (platform === 'darwin') {
    return [
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    ];
  }
  if (platform === 'win32') {
    const roots = [env.ProgramFiles, env['ProgramFiles(x86)'], env.LOCALAPPDATA].filter(Boolean);
    return roots.flatMap((r) => [
      path.join(r, 'Google', 'Chrome', 'Application', 'chrome.exe'),
      path.join(r, 'Chromium', 'Application', 'chrome.exe'),
      path.join(r, 'Microsoft', 'Edge', 'Application', 'msedge.exe'),
    ]);
  }
  return [];
}

/** Playwright's own Chromium, if `npx playwright install chromium` put one in its cache. */
function playwrightsOwn() {
  try {
    const file = require('playwright-core').chromium.executablePath();
    return file && isExecutableFile(file) ? file : null;
  } catch {
    return null;
  }
}

/**
 * @param {{ env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform }} [options]
 * @returns {{ path: string | null, from: string, problems: string[] }}
 */
function findChromium(options = {}) {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const problems = [];
  if (env.CHROME_PATH) {
    if (isExecutableFile(env.CHROME_PATH)) return { path: env.CHROME_PATH, from: 'CHROME_PATH', problems };
    problems.push(`CHROME_PATH=${env.CHROME_PATH} is not an executable file`);
  }
  const exts = platform === 'win32' ? ['.exe', ''] : [''];
  for (const dir of (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of NAMES) {
      for (const ext of exts) {
        const file = path.join(dir, name + ext);
        if (isExecutableFile(file)) return { path: file, from: 'PATH', problems };
      }
    }
  }
  for (const file of installPlaces(env, platform)) {
    if (isExecutableFile(file)) return { path: file, from: 'install place', problems };
  }
  const own = playwrightsOwn();
  if (own) return { path: own, from: 'Playwright cache', problems };
  return { path: null, from: 'none', problems };
}

const HOW_TO_GET_ONE =
  'Install Chromium or Chrome (Debian/Ubuntu: `apt-get install chromium`; macOS: Google Chrome), ' +
  'or point CHROME_PATH at a Chromium-family browser, or run `npx playwright install chromium`.';

module.exports = { findChromium, HOW_TO_GET_ONE, BROWSER_NAMES: NAMES };
