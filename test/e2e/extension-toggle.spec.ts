// Issue 15 item 1: a bundled example (a developer folder) turned off and on again in the served
// panel is loaded again and runs; while off, its commands are not offered anywhere.
import { EXT, expect, test } from './fixtures';

test.use({ server: { dev: ['text-tools'] } });

test('Disable then Enable a developer folder: commands hidden while off, and it runs again after', async ({
  panel,
}) => {
  const row = panel.tid(`ext-row-${EXT.textTools}`);
  const toggle = panel.tid(`ext-toggle-${EXT.textTools}`);
  await expect(toggle).toHaveAttribute('role', 'switch');
  await expect(toggle).toHaveAttribute('aria-checked', 'true');

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await expect(row).toHaveAttribute('data-state', 'disabled');
  await panel.page.keyboard.press('Control+k');
  await expect(panel.tid('palette-empty')).toBeVisible();
  await expect(panel.tid('palette-item')).toHaveCount(0);
  await panel.page.keyboard.press('Escape');

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  await expect(row).not.toHaveAttribute('data-state', 'disabled');
  await expect(panel.tid('notice').filter({ hasText: /failed/ })).toHaveCount(0);

  await panel.chooseCommand('text statistics', `${EXT.textTools}/text.stats`);
  await panel.tid('param-text').fill('one two three');
  await panel.clickRun();
  expect(await panel.runEnded()).toBe('done');
});
