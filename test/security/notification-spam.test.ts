// A notification reaches the user directly (a desktop notification in the app), so an extension
// allowed to notify must not be able to bury the desktop: a burst of 5, then about one every 3 s;
// past that, ERATE and nothing shown.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli, tempDir, writeExtension } from '../helpers/sandbox';

const work = tempDir('warden-notify-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

it('a notification storm is cut to a short burst; the rest are refused with ERATE and never shown', async () => {
  const ext = writeExtension(work, {
    id: 'loud.spammer',
    commands: ['spam'],
    manifest: { permissions: { notifications: true } },
    source: `exports.activate = () => host.commands.register('spam', async () => {
      const outcomes = [];
      for (let i = 0; i < 50; i++) {
        try { await host.ui.notify('buy now #' + i); outcomes.push('shown'); }
        catch (e) { outcomes.push(e.code); }
      }
      return { type: 'json', value: outcomes };
    });`,
  });
  const r = await runCli([
    'run',
    ext,
    'spam',
    '--json',
    '--allow',
    'notifications',
    '--data-dir',
    path.join(work, 'home'),
  ]);
  expect(r.code, r.stderr).toBe(0);
  const outcomes = JSON.parse(r.stdout).result.value as string[];
  const shown = outcomes.filter((o) => o === 'shown').length;
  expect(shown).toBeGreaterThanOrEqual(5);
  expect(shown).toBeLessThanOrEqual(6); // the burst, plus at most one refilled while it ran
  expect(outcomes.filter((o) => o !== 'shown').every((o) => o === 'ERATE')).toBe(true);
  expect(r.stderr.match(/\[notification\]/g)).toHaveLength(shown);
});
