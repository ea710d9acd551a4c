// The security brief as a consent screen before an install (issue 14 item 3), against the real
// `warden serve`: Cancel installs and pins nothing; Install installs. Screenshots at 1440×900 and
// 1024×700, light and dark.
import fs from 'node:fs';
import path from 'node:path';
import { EXAMPLES, EXT, expect, shot, test } from './fixtures';

test.describe.configure({ mode: 'serial' });

test('cancel installs nothing; confirm installs the reviewed package', async ({ panel, warden }) => {
  const key = path.join(warden.scratch, 'publisher.key');
  const wext = path.join(warden.scratch, 'word-count.wext');
  warden.cli(['keygen', '--out', key]);
  warden.cli(['pack', path.join(EXAMPLES, 'word-count'), '--key', key, '--out', wext]);
  const state = path.join(warden.dataDir, 'extensions', 'state.json');

  await panel.tid('install-toggle').click();
  await panel.tid('install-path').fill(wext);
  await panel.tid('install-submit').click();
  const consent = panel.tid('install-consent');
  await expect(consent).toBeVisible();
  await expect(consent).toContainText('Install Word Count');
  await expect(panel.tid('brief-capabilities')).toContainText('read files in Documents');
  await expect(panel.tid('brief-key')).toContainText('First seen');
  await expect(panel.tid('brief-risk')).toHaveAttribute('data-level', /^(low|medium|high)$/);
  await expect(panel.tid('consent-cancel')).toBeFocused();

  for (const [w, h] of [
    [1440, 900],
    [1024, 700],
  ] as const) {
    await panel.page.setViewportSize({ width: w, height: h });
    // The theme toggle sits under the modal backdrop: set the theme the way the toggle does.
    for (const theme of ['light', 'dark'] as const) {
      await panel.page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      await shot(panel.page, `install-consent-${w}x${h}-${theme}`);
    }
  }

  await panel.tid('consent-cancel').click();
  await expect(consent).toHaveCount(0);
  await expect(panel.tid(`ext-row-${EXT.wordCount}`)).toHaveCount(0);
  const pins = fs.existsSync(state) ? JSON.parse(fs.readFileSync(state, 'utf8')).pins : {};
  expect(pins).toEqual({});

  await panel.tid('install-submit').click();
  await expect(consent).toBeVisible();
  await panel.tid('consent-confirm').click();
  await expect(panel.tid(`ext-row-${EXT.wordCount}`)).toBeVisible();
  expect(Object.keys(JSON.parse(fs.readFileSync(state, 'utf8')).pins)).toEqual([EXT.wordCount]);
});
