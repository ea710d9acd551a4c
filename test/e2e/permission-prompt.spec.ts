// The permission prompt: word-count (a developer folder) reads ~/Documents/reports through the fs
// gateway; every read is asked. Allow once, then Deny (EPERM), then both decisions in Activity.
import { EXT, expect, shot, test, type Panel } from './fixtures';

test.describe.configure({ mode: 'serial' });
test.use({
  server: {
    dev: ['word-count'],
    documents: {
      'reports/alpha.txt': 'one two three',
      'reports/beta.md': '# Beta\n\nfour five six seven eight',
      'reports/picture.png': 'not text: not counted, never read',
    },
  },
});

const FOLDER = '~/Documents/reports';

/** Waits for the prompt about `target`, checks what it says, and returns it. */
async function expectPrompt(panel: Panel, target: string) {
  const modal = panel.tid('prompt-modal');
  await expect(modal).toBeVisible();
  await expect(modal).toHaveAttribute('role', 'alertdialog');
  await expect(panel.tid('prompt-target')).toHaveText(target);
  await expect(panel.tid('prompt-extension')).toHaveText('Word Count');
  await expect(panel.tid('prompt-capability')).toContainText('fs.read');
  await expect(panel.tid('prompt-publisher')).toHaveText('warden-examples');
  await expect(panel.tid('prompt-scope')).toHaveText('~/Documents/**');
  // Deny has the default focus; the rest of the window cannot be reached.
  await expect(panel.tid('prompt-deny')).toBeFocused();
  await expect(panel.page.locator('.app')).toHaveAttribute('inert', '');
  return modal;
}

/** Answers the open prompt and waits until it is gone (or replaced by the next one). */
async function answer(panel: Panel, button: string) {
  const id = await panel.tid('prompt-modal').getAttribute('data-prompt-id');
  await panel.tid(button).click();
  await expect(panel.page.locator(`[data-testid="prompt-modal"][data-prompt-id="${id}"]`)).toHaveCount(0);
}

test('allow once: the prompt names the extension, capability and exact target; the table follows', async ({
  panel,
}) => {
  await panel.chooseCommand('count words in a folder', `${EXT.wordCount}/word-count.count`);
  await panel.tid('param-folder').fill(FOLDER);
  await panel.clickRun();

  await expectPrompt(panel, FOLDER);
  await expect(panel.tid('prompt-countdown')).toContainText(/No answer in \d+ s means deny/);
  await shot(panel.page, 'prompt-light');
  // Keyboard: Tab stays inside the prompt.
  for (let i = 0; i < 8; i++) {
    await panel.page.keyboard.press('Tab');
    expect(await panel.tid('prompt-modal').evaluate((m) => m.contains(m.ownerDocument.activeElement))).toBe(true);
  }
  await answer(panel, 'prompt-allow-once');

  // Allow once covers that one read: each file it then reads is asked about too.
  for (const file of ['alpha.txt', 'beta.md']) {
    await expectPrompt(panel, `${FOLDER}/${file}`);
    await answer(panel, 'prompt-allow-once');
  }

  expect(await panel.runEnded()).toBe('done');
  await expect(panel.tid('prompt-modal')).toHaveCount(0);
  await expect(panel.tid('result-body')).toHaveAttribute('data-result-type', 'table');
  expect(await panel.tableRows()).toEqual([
    ['beta.md', '6'],
    ['alpha.txt', '3'],
  ]);
  await shot(panel.page, 'run-after-allow-light');
});

test('deny: the same call again is asked again, and denied with EPERM', async ({ panel }) => {
  await panel.chooseCommand('count words in a folder', `${EXT.wordCount}/word-count.count`);
  await panel.tid('param-folder').fill(FOLDER);
  await panel.clickRun();

  await expectPrompt(panel, FOLDER);
  // Enter on the focused default answers Deny.
  await panel.page.keyboard.press('Enter');
  await expect(panel.tid('prompt-modal')).toHaveCount(0);

  expect(await panel.runEnded()).toBe('failed');
  await expect(panel.tid('run-error')).toBeVisible();
  await expect(panel.tid('run-error-code')).toHaveText('EPERM');
  await expect(panel.tid('run-error-message')).toContainText(/reports/);
  await shot(panel.page, 'run-denied-light');
});

interface ActivityRow {
  kind: string;
  decision: string;
  ext: string;
  what: string;
}
/** The rows of the Activity list as data (the "What" cell's full text is in its title). */
const activityRows = (panel: Panel): Promise<ActivityRow[]> =>
  panel.tid('activity-row').evaluateAll((rows) =>
    rows.map((r) => ({
      kind: r.getAttribute('data-kind') ?? '',
      decision: r.getAttribute('data-decision') ?? '',
      ext: r.getAttribute('data-ext') ?? '',
      what: r.querySelectorAll('td')[4]?.querySelector('[title]')?.getAttribute('title') ?? '',
    })),
  );

test('Activity shows both decisions for fs.read, and filters by decision', async ({ panel }) => {
  await panel.nav('activity');
  // The panel shows paths in the home folder as `~/…`, as the prompt does.
  const reports = FOLDER;
  const decisions = async () =>
    (await activityRows(panel))
      .filter((r) => r.kind === 'decision' && r.ext === EXT.wordCount)
      .map((r) => `${r.decision} ${r.what}`);
  // Oldest first: the folder and both files allowed once, then the folder denied.
  await expect
    .poll(decisions)
    .toEqual([
      `allow fs.read ${reports}`,
      `allow fs.read ${reports}/alpha.txt`,
      `allow fs.read ${reports}/beta.md`,
      `deny fs.read ${reports}`,
    ]);
  await shot(panel.page, 'activity-light');

  const rows = panel.tid('activity-row');
  await panel.tid('activity-filter-capability').selectOption('fs.read');
  await panel.tid('activity-filter-decision').selectOption('deny');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-decision', 'deny');
  expect((await activityRows(panel))[0]!.what).toBe(`fs.read ${reports}`);
  await shot(panel.page, 'activity-filtered-deny-light');

  await panel.tid('activity-filter-decision').selectOption('allow');
  await expect(rows).toHaveCount(3);
  expect((await activityRows(panel)).map((r) => r.decision)).toEqual(['allow', 'allow', 'allow']);

  await panel.tid('activity-filter-decision').selectOption('');
  await expect.poll(async () => (await activityRows(panel)).filter((r) => r.kind === 'decision').length).toBe(4);
});
