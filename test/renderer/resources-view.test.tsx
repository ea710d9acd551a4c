// The Resources view against its limits: CPU budget and memory limit beside the readings and as
// labelled lines on the charts, kills marked, the throttled state, sortable columns, and Release
// for a quarantined extension.
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBridge } from './fake-bridge';
import { extension, sample } from './fixtures';
import { renderApp, settle } from './helpers';

afterEach(cleanup);

const MB = 1024 * 1024;

async function setup() {
  const t = Date.now();
  const bridge = new FakeBridge()
    .handle('extensions.list', () => [
      extension({ id: 'a.spin', name: 'Spinner', state: 'running', limits: { cpuPercent: 50, memoryMb: 128 } }),
      extension({
        id: 'b.q',
        name: 'Boxed',
        state: 'quarantined',
        strikes: 3,
        limits: { cpuPercent: 25, memoryMb: 64 },
        quarantine: { reason: 'killed 3 times', since: t - 2000 },
        recentStrikes: [{ at: t - 3000, reason: 'cpu: above its budget of 25% for 15 s' }],
      }),
      extension({ id: 'c.idle', name: 'Calm', state: 'running', limits: { cpuPercent: 50, memoryMb: 128 } }),
    ])
    .handle('resources.snapshot', () => [
      {
        extensionId: 'a.spin',
        history: [sample(t - 6000, { cpuPercent: 49, rssBytes: 90 * MB, throttled: true, memoryLimitBytes: 190 * MB })],
      },
      { extensionId: 'b.q', history: [sample(t - 6000, { cpuPercent: 0, rssBytes: 0, state: 'quarantined' })] },
      {
        extensionId: 'c.idle',
        history: [sample(t - 6000, { cpuPercent: 2, rssBytes: 60 * MB, memoryLimitBytes: 188 * MB })],
      },
    ])
    .handle('extensions.release', () => ({}));
  await renderApp(bridge);
  await act(async () => {
    fireEvent.click(screen.getByTestId('nav-resources'));
    await settle();
  });
  return bridge;
}

const order = () => screen.getAllByTestId(/^resource-row-/).map((r) => r.dataset.testid!.slice('resource-row-'.length));

describe('resources view: limits, kills, throttling, sorting, release', () => {
  it('shows each reading against its limit and the throttled state', async () => {
    await setup();
    const spin = screen.getByTestId('resource-row-a.spin');
    expect(within(spin).getByTestId('resource-cpu').textContent).toBe('49.0 / 50');
    expect(within(spin).getByTestId('resource-mem').textContent).toBe('90.0 / 190');
    expect(within(spin).getByTestId('resource-mem').title).toMatch(/Killed above 190\.0 MB resident.*128 MB limit/);
    expect(screen.getByTestId('resource-throttled-a.spin').textContent).toBe('throttled');
    expect(screen.queryByTestId('resource-throttled-c.idle')).toBeNull();
  });

  it('labels the limit lines and marks kills on both charts', async () => {
    await setup();
    const cpu = screen.getByTestId('chart-cpu-notes');
    const limits = [...cpu.querySelectorAll('[data-kind="limit"]')].map((l) => l.textContent);
    // Two extensions share 50%, one has 25%: one line each, the odd one named.
    expect(limits.sort()).toEqual(['Boxed: budget 25%', 'budget 50%']);
    const kills = [...cpu.querySelectorAll('[data-kind="kill"]')].map((l) => l.textContent);
    expect(kills).toHaveLength(1);
    expect(kills[0]).toMatch(/✕ \d\d:\d\d:\d\d Boxed: cpu: above its budget of 25% for 15 s/);
    const mem = screen.getByTestId('chart-memory-notes');
    expect([...mem.querySelectorAll('[data-kind="limit"]')].map((l) => l.textContent).sort()).toEqual([
      'Calm: limit 188 MB',
      'Spinner: limit 190 MB',
    ]);
    expect(mem.querySelectorAll('[data-kind="kill"]')).toHaveLength(1);
  });

  it('sorts by any column, both ways, and says so to screen readers', async () => {
    await setup();
    expect(order()).toEqual(['a.spin', 'b.q', 'c.idle']);
    fireEvent.click(screen.getByTestId('resources-sort-cpu'));
    expect(order()).toEqual(['a.spin', 'c.idle', 'b.q']);
    expect(screen.getByTestId('resources-sort-cpu').closest('th')!.getAttribute('aria-sort')).toBe('descending');
    fireEvent.click(screen.getByTestId('resources-sort-cpu'));
    expect(order()).toEqual(['b.q', 'c.idle', 'a.spin']);
    fireEvent.click(screen.getByTestId('resources-sort-name'));
    expect(order()).toEqual(['b.q', 'c.idle', 'a.spin']); // Boxed, Calm, Spinner
    expect(screen.getByTestId('resources-sort-name').closest('th')!.getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(screen.getByTestId('resources-sort-mem'));
    expect(order()).toEqual(['a.spin', 'c.idle', 'b.q']);
    fireEvent.click(screen.getByTestId('resources-sort-strikes'));
    expect(order()[0]).toBe('b.q');
  });

  it('releases a quarantined extension from its row', async () => {
    const bridge = await setup();
    expect(screen.queryByTestId('resource-release-a.spin')).toBeNull();
    const button = screen.getByTestId('resource-release-b.q');
    expect(button.getAttribute('aria-label')).toBe('Release Boxed');
    await act(async () => {
      fireEvent.click(button);
      await settle();
    });
    expect(bridge.callsOf('extensions.release')).toEqual([{ id: 'b.q' }]);
  });
});
