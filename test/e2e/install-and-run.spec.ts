// Install a signed example through the Extensions view, then run its commands through the palette
// (Ctrl+K) and see the table result. The server starts with one developer folder (text-tools),
// the unsigned counterpart the signed package is compared with.
import path from 'node:path';
import { EXAMPLES, EXT, expect, shot, test } from './fixtures';

test.describe.configure({ mode: 'serial' });
test.use({ server: { dev: ['text-tools'] } });

test('installs a signed package from a file; it is listed without the unsigned badge', async ({ panel, warden }) => {
  const key = path.join(warden.scratch, 'publisher.key');
  const wext = path.join(warden.scratch, 'notes.wext');
  expect(warden.cli(['keygen', '--out', key])).toMatch(/fingerprint:\s+([0-9a-f]{64})/);
  expect(warden.cli(['pack', path.join(EXAMPLES, 'notes'), '--key', key, '--out', wext])).toMatch(/signed by key/);

  await expect(panel.tid('view-extensions')).toBeVisible();
  await expect(panel.tid(`ext-row-${EXT.notes}`)).toHaveCount(0);
  // The developer folder carries the badge the signed package must not have.
  await expect(panel.tid(`ext-row-${EXT.textTools}`).locator('[data-testid="ext-badge-unsigned"]')).toBeVisible();
  // Installing sits behind a button; the installed list comes first.
  await expect(panel.tid('install-panel')).toHaveCount(0);
  await panel.tid('install-toggle').click();
  await expect(panel.tid('install-kind')).toHaveValue('file');
  // No native picker in a browser tab: no "Choose…".
  await expect(panel.tid('install-pick')).toHaveCount(0);
  await panel.tid('install-path').fill(wext);
  await panel.tid('install-submit').click();
  // The security brief first: nothing is installed until it is confirmed.
  await expect(panel.tid('install-consent')).toContainText('Install Notes');
  await panel.tid('consent-confirm').click();

  const row = panel.tid(`ext-row-${EXT.notes}`);
  await expect(row).toBeVisible();
  await expect(row).toContainText('Notes');
  await expect(row).toContainText('1.0.0');
  await expect(row.locator('[data-testid="ext-badge-unsigned"]')).toHaveCount(0);
  await expect(panel.tid(`ext-signature-${EXT.notes}`)).toContainText('signed by warden-examples');
  await expect(row).toHaveAttribute('data-state', /^(idle|running|starting)$/);
  await expect(panel.tid('install-path')).toHaveValue('');
  await shot(panel.page, 'extensions-light');
});

test('runs commands through the palette and shows the table result', async ({ panel }) => {
  await expect(panel.tid(`ext-row-${EXT.notes}`)).toBeVisible();

  await panel.chooseCommand('add a note', `${EXT.notes}/notes.add`);
  await panel.tid('param-text').fill('Buy milk');
  await panel.tid('param-tags').fill('home, errands');
  await panel.clickRun();
  expect(await panel.runEnded()).toBe('done');
  await expect(panel.tid('result-body')).toHaveAttribute('data-result-type', 'text');
  await expect(panel.tid('result-text')).toContainText('Added note #1');

  await panel.tid('param-text').fill('Call the plumber about the very long leaking pipe under the kitchen sink');
  await panel.tid('param-tags').fill('');
  await panel.clickRun();
  expect(await panel.runEnded()).toBe('done');
  await expect(panel.tid('result-text')).toContainText('Added note #2');

  await panel.runFromPalette('list notes', `${EXT.notes}/notes.list`);
  expect(await panel.runEnded()).toBe('done');
  await expect(panel.tid('result-body')).toHaveAttribute('data-result-type', 'table');
  await expect(panel.tid('result-table')).toBeVisible();
  await expect(panel.tid('result-table').locator('th')).toContainText(['#', 'note', 'tags', 'created']);
  const rows = await panel.tableRows();
  expect(rows).toHaveLength(2);
  expect(rows[0]!.slice(0, 3)).toEqual(['1', 'Buy milk', '#home #errands']);
  expect(rows[1]![1]).toContain('Call the plumber');
  await shot(panel.page, 'run-table-light');

  // The table sorts by a header (aria-sort is on the header cell around the button).
  const header = panel.tid('result-table').locator('th').first();
  await expect(header).toHaveAttribute('aria-sort', 'none');
  await panel.tid('result-sort-0').click();
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  expect((await panel.tableRows()).map((r) => r[0])).toEqual(['1', '2']);
  await panel.tid('result-sort-0').click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  expect((await panel.tableRows()).map((r) => r[0])).toEqual(['2', '1']);

  await panel.setTheme('dark');
  await shot(panel.page, 'run-table-dark');
  await panel.nav('extensions');
  await shot(panel.page, 'extensions-dark');
});
