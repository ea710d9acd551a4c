// The misbehaving example: runaway.spin blocks its event loop; the watchdog kills it (hang
// threshold 5 s) and the Resources view says why, with the charts moving. Three kills within ten
// minutes quarantine it; releasing it from the Extensions view makes it usable again.
import { EXT, expect, shot, test, type Panel } from './fixtures';

test.describe.configure({ mode: 'serial' });
// text-tools keeps running beside it: a live neighbour that the kills must not disturb.
test.use({ server: { dev: ['runaway', 'text-tools'] } });

const ROW = `resource-row-${EXT.runaway}`;
const REASON = `resource-reason-${EXT.runaway}`;

/** Runs runaway.spin from the palette and waits for the watchdog to end it (run failed). */
async function spinUntilKilled(panel: Panel): Promise<{ code: string; message: string }> {
  await panel.runFromPalette('spin forever', `${EXT.runaway}/runaway.spin`);
  await expect(panel.tid('run-result')).toHaveAttribute('data-status', 'running');
  expect(await panel.runEnded(20_000)).toBe('failed');
  return {
    code: (await panel.tid('run-error-code').textContent()) ?? '',
    message: (await panel.tid('run-error-message').textContent()) ?? '',
  };
}

const points = (panel: Panel, chart: string) =>
  panel.tid(chart).evaluate((el) => Number(el.getAttribute('data-points')));

test('runaway.spin is killed by the watchdog; Resources shows the reason and moving charts', async ({ panel }) => {
  test.setTimeout(90_000);
  // Warm the neighbour so both have samples.
  await panel.chooseCommand('text statistics', `${EXT.textTools}/text.stats`);
  await panel.tid('param-text').fill('hello world');
  await panel.clickRun();
  expect(await panel.runEnded()).toBe('done');

  const started = Date.now();
  await panel.runFromPalette('spin forever', `${EXT.runaway}/runaway.spin`);
  await panel.nav('resources');
  await expect(panel.tid(ROW)).toBeVisible();
  await expect(panel.tid(ROW)).toHaveAttribute('data-state', 'running');
  // While it spins, the live table shows it using a whole core.
  await expect
    .poll(async () => parseFloat((await panel.tid(ROW).getByTestId('resource-cpu').textContent()) ?? ''), {
      timeout: 8_000,
    })
    .toBeGreaterThan(50);
  await expect(panel.tid(REASON)).toContainText(/unresponsive/i, { timeout: 15_000 });
  const killedAfter = Date.now() - started;
  console.log(`runaway.spin: the kill reason was on screen ${killedAfter} ms after Run`);
  expect(killedAfter).toBeLessThan(12_000);
  await expect(panel.tid(ROW)).toHaveAttribute('data-state', 'crashed');
  await expect(panel.tid(REASON)).toContainText(
    /^Last kill \d\d:\d\d:\d\d: unresponsive: event loop blocked for more than 5000 ms$/,
  );
  // The dead process's numbers drop to zero with the next sample.
  await expect(panel.tid(ROW).getByTestId('resource-cpu')).toHaveText(/^0\.0( \/ \d+)?$/);
  await expect(panel.tid(ROW).getByTestId('resource-mem')).toHaveText(/^0\.0( \/ \d+)?$/);
  await expect(panel.tid(`resource-row-${EXT.textTools}`)).toHaveAttribute('data-state', 'running');

  // The charts draw on canvases, and their point count grows as samples arrive.
  for (const chart of ['chart-cpu', 'chart-memory']) {
    await expect(panel.tid(chart).locator('canvas').first()).toBeVisible();
  }
  await expect(panel.tid('chart-legend')).toContainText('Runaway');
  const before = await points(panel, 'chart-cpu');
  expect(before).toBeGreaterThan(0);
  await panel.page.waitForTimeout(2500);
  const after = await points(panel, 'chart-cpu');
  console.log(`chart-cpu data-points: ${before} → ${after} over 2.5 s`);
  expect(after).toBeGreaterThan(before);
  expect(await points(panel, 'chart-memory')).toBeGreaterThan(before);
  await shot(panel.page, 'resources-light');
  await panel.setTheme('dark');
  await shot(panel.page, 'resources-dark');

  await panel.nav('run');
  await expect(panel.tid('run-result')).toHaveAttribute('data-status', 'failed');
  await expect(panel.tid('run-error-code')).toHaveText('ETIMEDOUT');
  await expect(panel.tid('run-error-message')).toHaveText(
    'the extension was killed: unresponsive: event loop blocked for more than 5000 ms',
  );
});

test('three kills quarantine it; release from Extensions, then runaway.ok works', async ({ panel }) => {
  test.setTimeout(120_000);
  // One kill so far (the previous test); two more within ten minutes quarantine it.
  for (let i = 2; i <= 3; i++) {
    const err = await spinUntilKilled(panel);
    expect(err.code, `kill ${i}`).toBe('ETIMEDOUT');
    expect(err.message, `kill ${i}`).toMatch(/killed: unresponsive/);
  }

  await panel.nav('extensions');
  const row = panel.tid(`ext-row-${EXT.runaway}`);
  await expect(row).toHaveAttribute('data-state', 'quarantined', { timeout: 10_000 });
  await expect(row.locator('[data-testid="ext-badge-quarantined"]')).toBeVisible();
  await expect(row.locator('[data-testid="ext-badge-strikes"]')).toHaveText('3 strikes');
  await expect(panel.tid(`ext-quarantine-reason-${EXT.runaway}`)).toHaveText(
    /^Quarantined .+: 3 strikes in 10 min; last: unresponsive: event loop blocked for more than 5000 ms$/,
  );
  await expect(panel.tid(`ext-toggle-${EXT.runaway}`)).toHaveCount(0);
  await shot(panel.page, 'extensions-quarantined-light');

  await panel.nav('resources');
  await expect(panel.tid(ROW)).toHaveAttribute('data-state', 'quarantined');
  await expect(panel.tid(REASON)).toContainText(/^Quarantined \d\d:\d\d:\d\d: 3 strikes in 10 min; last: unresponsive/);
  await expect(panel.tid(ROW).getByTestId('resource-cpu')).toHaveText(/^0\.0( \/ \d+)?$/);
  await shot(panel.page, 'resources-quarantined-light');

  // While quarantined, nothing runs: its commands leave the palette, and the command still on
  // the Run view is refused by the host at once (no process is started).
  await panel.page.keyboard.press('Control+k');
  await panel.tid('palette-input').fill('runaway');
  await expect(panel.tid('palette')).toBeVisible();
  await expect(panel.page.locator(`[data-testid="palette-item"][data-command^="${EXT.runaway}/"]`)).toHaveCount(0);
  await panel.page.keyboard.press('Escape');
  await expect(panel.tid('palette')).toHaveCount(0);
  await panel.nav('run');
  await expect(panel.tid('command-card')).toHaveAttribute('data-command', `${EXT.runaway}/runaway.spin`);
  await panel.clickRun();
  expect(await panel.runEnded(3_000)).toBe('failed');
  await expect(panel.tid('run-error-code')).toHaveText('EPERM');
  await expect(panel.tid('run-error-message')).toContainText(`${EXT.runaway} is quarantined (3 strikes in 10 min`);

  await panel.nav('extensions');
  await panel.tid(`ext-release-${EXT.runaway}`).click();
  await expect(row).not.toHaveAttribute('data-state', 'quarantined');
  await expect(row.locator('[data-testid="ext-badge-quarantined"]')).toHaveCount(0);
  await expect(panel.tid(`ext-toggle-${EXT.runaway}`)).toBeVisible();
  await expect(panel.tid(`ext-quarantine-reason-${EXT.runaway}`)).toHaveCount(0);

  await panel.runFromPalette('answer normally', `${EXT.runaway}/runaway.ok`);
  expect(await panel.runEnded()).toBe('done');
  await expect(panel.tid('result-text')).toHaveText('still here');
  await shot(panel.page, 'run-after-release-light');
});
