// Stored grants: "Always allow" the declared scope, see it in Permissions, run without a prompt,
// revoke it, and see the next call asked again (and denied).
import { EXT, expect, shot, test, type Panel } from './fixtures';

test.describe.configure({ mode: 'serial' });
test.use({
  server: {
    dev: ['word-count'],
    documents: { 'letters/a.txt': 'dear sir or madam', 'letters/b.txt': 'yours faithfully' },
  },
});

const FOLDER = '~/Documents/letters';
const EXPECTED = [
  ['a.txt', '4'],
  ['b.txt', '2'],
];

async function runCount(panel: Panel) {
  await panel.chooseCommand('count words in a folder', `${EXT.wordCount}/word-count.count`);
  await panel.tid('param-folder').fill(FOLDER);
  await panel.clickRun();
}

test('"Always allow" the declared scope: one prompt, then the table', async ({ panel }) => {
  await panel.setTheme('dark');
  await runCount(panel);
  await expect(panel.tid('prompt-modal')).toBeVisible();
  await expect(panel.tid('prompt-target')).toHaveText(FOLDER);
  await expect(panel.tid('prompt-deny')).toBeFocused();
  // The scope is chosen behind the disclosure, in words, with the exact glob beside it.
  await panel.tid('prompt-more').locator('summary').click();
  const declared = panel.page.locator('label', { has: panel.tid('prompt-scope-declared') });
  await expect(declared).toContainText('everything it declared');
  await expect(declared).toContainText('~/Documents/**');
  await panel.tid('prompt-scope-declared').check();
  await expect(panel.tid('prompt-more').locator('summary')).toContainText('covers everything it declared');
  await shot(panel.page, 'prompt-dark');
  await panel.tid('prompt-allow-always').click();

  // The grant covers the files it reads next: no more prompts.
  expect(await panel.runEnded()).toBe('done');
  await expect(panel.tid('prompt-modal')).toHaveCount(0);
  expect(await panel.tableRows()).toEqual(EXPECTED);
});

test('the grant is listed in Permissions; the next run is not asked', async ({ panel }) => {
  await panel.nav('permissions');
  const group = panel.tid(`grant-group-${EXT.wordCount}`);
  await expect(group).toBeVisible();
  await expect(group).toContainText('Word Count');
  const row = group.locator('[data-testid^="grant-row-"]');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-capability', 'fs.read');
  await expect(row).toHaveAttribute('data-effect', 'allow');
  await expect(row).toContainText('~/Documents/**');
  await expect(panel.tid('policy-empty')).toBeVisible();
  await shot(panel.page, 'permissions-light');

  // A prompt would hold the run until answered (60 s): done within the expect timeout means none.
  await runCount(panel);
  expect(await panel.runEnded(10_000)).toBe('done');
  await expect(panel.tid('prompt-modal')).toHaveCount(0);
  expect(await panel.tableRows()).toEqual(EXPECTED);
});

test('revoking the grant: the next call is asked again, and Deny refuses it', async ({ panel }) => {
  await panel.nav('permissions');
  const row = panel.tid(`grant-group-${EXT.wordCount}`).locator('[data-testid^="grant-row-"]');
  const grantId = (await row.getAttribute('data-testid'))!.slice('grant-row-'.length);
  await panel.tid(`grant-revoke-${grantId}`).click();
  await expect(panel.tid(`grant-row-${grantId}`)).toHaveCount(0);
  await expect(panel.tid(`grant-group-${EXT.wordCount}`)).toHaveCount(0);
  await expect(panel.page.getByText('No stored permissions.')).toBeVisible();
  await shot(panel.page, 'permissions-revoked-light');

  await runCount(panel);
  await expect(panel.tid('prompt-modal')).toBeVisible();
  await expect(panel.tid('prompt-target')).toHaveText(FOLDER);
  await panel.tid('prompt-deny').click();
  expect(await panel.runEnded()).toBe('failed');
  await expect(panel.tid('run-error-code')).toHaveText('EPERM');

  // Still nothing stored (a plain Deny is not remembered), and the view reloads from the host.
  await panel.nav('permissions');
  await expect(panel.page.getByText('No stored permissions.')).toBeVisible();
});
