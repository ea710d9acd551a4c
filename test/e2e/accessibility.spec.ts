// Automated accessibility checks (axe-core) on every view, light and dark, at the two window sizes
// people use, and on the permission prompt: zero serious or critical violations (WCAG 2.1 A/AA,
// which includes text contrast ≥ 4.5:1).
import AxeBuilder from '@axe-core/playwright';
import { EXT, expect, shot, test, type Panel, type View } from './fixtures';

test.use({ server: { examples: true, documents: { 'reports/a.txt': 'one two' } } });

const VIEWS: View[] = ['extensions', 'run', 'resources', 'behaviour', 'permissions', 'activity'];

async function seriousViolations(panel: Panel) {
  const r = await new AxeBuilder({ page: panel.page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`),
    }));
}

for (const theme of ['light', 'dark'] as const) {
  for (const size of [
    { width: 1440, height: 900 },
    { width: 1024, height: 700 },
  ]) {
    test(`no serious violations on any view, ${theme}, ${size.width}×${size.height}`, async ({ panel }) => {
      test.setTimeout(180_000); // five full-page axe runs; the shared machine is slow
      await panel.page.setViewportSize(size);
      await panel.setTheme(theme);
      // A result on screen, so Run is checked with its output too.
      await panel.chooseCommand('text statistics', `${EXT.textTools}/text.stats`);
      await panel.tid('param-text').fill('one two three');
      await panel.clickRun();
      expect(await panel.runEnded()).toBe('done');
      const found: Record<string, unknown> = {};
      for (const view of VIEWS) {
        await panel.nav(view);
        const v = await seriousViolations(panel);
        if (v.length) found[view] = v;
        // Every view at both sizes and themes, for people to look at (test-results/screenshots/).
        await shot(panel.page, `view-${view}-${theme}-${size.width}`);
      }
      expect(found).toEqual({});
    });
  }
}

test('no serious violations on the permission prompt, light and dark', async ({ panel }) => {
  test.setTimeout(120_000);
  await panel.chooseCommand('count words in a folder', `${EXT.wordCount}/word-count.count`);
  await panel.tid('param-folder').fill('~/Documents/reports');
  await panel.clickRun();
  await expect(panel.tid('prompt-modal')).toBeVisible();
  await panel.tid('prompt-more').locator('summary').click();
  for (const theme of ['light', 'dark'] as const) {
    await panel.page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    expect(await seriousViolations(panel), theme).toEqual([]);
    await shot(panel.page, `prompt-${theme}`);
  }
  await panel.tid('prompt-deny').click();
  await expect(panel.tid('prompt-modal')).toHaveCount(0);
});
