// The Activity view for a user: extension names (the id in the tooltip), dates (relative today),
// the commands the user ran, and a search over every field; long targets wrap instead of
// widening the table.
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { formatDateTime, formatWhen } from '../../renderer/src/lib/format';
import { FakeBridge } from './fake-bridge';
import { extension, record } from './fixtures';
import { renderApp, settle } from './helpers';

afterEach(cleanup);

describe('activity view', () => {
  it('shows names, dates and commands run, and narrows by search', async () => {
    const now = Date.now();
    const long = `/home/u/Documents/${'very-long-folder-name-'.repeat(12)}file.md`;
    const bridge = new FakeBridge()
      .handle('extensions.list', () => [extension({ id: 'acme.word-count', name: 'Word Count' })])
      .handle('activity.query', () => [
        record({ time: Date.UTC(2025, 0, 2, 3, 4, 5), target: long }),
        record({
          time: now - 120_000,
          kind: 'command',
          target: 'word-count.count',
          version: '1.2.0',
          capability: undefined,
          decision: undefined,
          via: undefined,
        }),
        record({
          time: now - 1000,
          ext: 'other.thing',
          capability: 'net',
          target: 'https://example.org/x',
          decision: 'deny',
          via: 'policy',
        }),
      ]);
    await renderApp(bridge);
    await act(async () => {
      fireEvent.click(screen.getByTestId('nav-activity'));
      await settle();
    });
    const rows = () => screen.queryAllByTestId('activity-row') as HTMLTableRowElement[];
    expect(rows()).toHaveLength(3);
    const [old, ran, recent] = rows();
    expect(old!.cells[0]!.textContent).toBe(formatDateTime(Date.UTC(2025, 0, 2, 3, 4, 5)));
    expect(old!.cells[1]!.textContent).toBe('Word Count');
    expect(old!.cells[1]!.title).toBe('acme.word-count');
    expect(old!.cells[4]!.className).toContain('wrap-anywhere');
    expect(old!.cells[4]!.textContent).toContain(long);
    expect(ran!.dataset.kind).toBe('command');
    expect(ran!.cells[0]!.textContent).toBe(formatWhen(now - 120_000, Date.now()));
    expect(ran!.cells[4]!.textContent).toBe('ran word-count.count (1.2.0)');
    expect(recent!.cells[1]!.textContent).toBe('other.thing'); // unknown id: the id itself

    fireEvent.change(screen.getByTestId('activity-search'), { target: { value: 'word COUNT' } });
    expect(rows().map((r) => r.dataset.kind)).toEqual(['decision', 'command']);
    fireEvent.change(screen.getByTestId('activity-search'), { target: { value: 'ran count.count' } });
    expect(rows()).toHaveLength(0);
    fireEvent.change(screen.getByTestId('activity-search'), { target: { value: 'example.org deny' } });
    expect(rows().map((r) => r.dataset.ext)).toEqual(['other.thing']);
    fireEvent.change(screen.getByTestId('activity-search'), { target: { value: 'nothing-like-this' } });
    expect(screen.getByTestId('activity-empty').textContent).toBe('Nothing matches this search.');
  });

  it('writes dates relative today, "yesterday", and as a date before', () => {
    const now = new Date(2026, 11, 5, 15, 0, 0).getTime();
    expect(formatWhen(now - 2000, now)).toBe('just now');
    expect(formatWhen(now - 42_000, now)).toBe('42 s ago');
    expect(formatWhen(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(formatWhen(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(formatWhen(new Date(2026, 11, 4, 14, 3).getTime(), now)).toBe('yesterday 14:03');
    expect(formatWhen(new Date(2026, 10, 30, 9, 5).getTime(), now)).toBe('2026-11-30 09:05');
  });
});
