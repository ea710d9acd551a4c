// The e2e tier's browser search (scripts/find-chromium.cjs): CHROME_PATH first, then the usual
// names on PATH, and a clear "none" (with the reason) when there is nothing to run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findChromium } from '../../scripts/find-chromium.cjs';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-find-chromium-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function fakeBrowser(name: string, executable = true): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(file, executable ? 0o755 : 0o644);
  return file;
}

describe.skipIf(process.platform === 'win32')('findChromium', () => {
  it('finds chromium-browser or google-chrome on PATH', () => {
    const chrome = fakeBrowser('google-chrome');
    expect(findChromium({ env: { PATH: `/nonexistent${path.delimiter}${dir}` }, platform: 'linux' })).toMatchObject({
      path: chrome,
      from: 'PATH',
    });
    const chromium = fakeBrowser('chromium-browser');
    expect(findChromium({ env: { PATH: dir }, platform: 'linux' }).path).toBe(chromium);
  });

  it('prefers CHROME_PATH, and says so when it points at nothing', () => {
    fakeBrowser('chromium');
    const mine = fakeBrowser('my-chrome');
    expect(findChromium({ env: { PATH: dir, CHROME_PATH: mine }, platform: 'linux' })).toMatchObject({
      path: mine,
      from: 'CHROME_PATH',
    });
    const r = findChromium({ env: { PATH: dir, CHROME_PATH: path.join(dir, 'missing') }, platform: 'linux' });
    expect(r.path).toBe(path.join(dir, 'chromium'));
    expect(r.problems.join()).toMatch(/CHROME_PATH=.*missing is not an executable file/);
  });

  it('ignores a file that is not executable, and reports none on an empty PATH', () => {
    fakeBrowser('chromium', false);
    const r = findChromium({ env: { PATH: dir }, platform: 'linux' });
    // Playwright's own cache may still hold a browser on a developer's machine; never this file.
    expect(r.path).not.toBe(path.join(dir, 'chromium'));
    if (r.path === null) expect(r.from).toBe('none');
  });
});
