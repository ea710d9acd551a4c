import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fuzzyFilter, fuzzyScore } from '../../renderer/src/lib/fuzzy';
import { FakeBridge } from './fake-bridge';
import { extension } from './fixtures';
import { renderApp, store } from './helpers';

afterEach(cleanup);

const exts = [
  extension({
    id: 'acme.word-count',
    name: 'Word Count',
    commands: [
      { id: 'word-count.count', title: 'Count words in a folder', params: {} },
      { id: 'word-count.stats', title: 'Show statistics', params: {} },
    ],
  }),
  extension({
    id: 'acme.runaway',
    name: 'Runaway',
    commands: [{ id: 'runaway.spin', title: 'Spin forever', params: {} }],
  }),
  extension({
    id: 'acme.off',
    name: 'Disabled One',
    enabled: false,
    state: 'disabled',
    commands: [{ id: 'off.cmd', title: 'Hidden command', params: {} }],
  }),
];

async function openPalette() {
  await renderApp(new FakeBridge().handle('extensions.list', () => exts));
  await act(async () => {
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
  });
  return screen.getByTestId('palette');
}

const items = () => screen.queryAllByTestId('palette-item').map((li) => li.getAttribute('data-command'));

describe('fuzzy matching', () => {
  it('matches subsequences, prefers word starts and runs', () => {
    expect(fuzzyScore('cwf', 'Count words in a folder')).not.toBeNull();
    expect(fuzzyScore('xyz', 'Count words')).toBeNull();
    const ranked = fuzzyFilter('spin', ['a spinner is nice', 'Spin forever', 's-p-i-n'], (s) => s);
    expect(ranked[0]).toBe('Spin forever');
    expect(fuzzyFilter('', ['b', 'a'], (s) => s)).toEqual(['b', 'a']);
  });
});

describe('command palette', () => {
  it('opens with Ctrl+K (and Cmd+K), focused on the input, listing commands of enabled extensions', async () => {
    const palette = await openPalette();
    expect(document.activeElement).toBe(within(palette).getByTestId('palette-input'));
    expect(items()).toEqual([
      'acme.word-count/word-count.count',
      'acme.word-count/word-count.stats',
      'acme.runaway/runaway.spin',
    ]);
    await act(async () => {
      fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    });
    expect(screen.queryByTestId('palette')).toBeNull();
    await act(async () => {
      fireEvent.keyDown(window, { key: 'K', metaKey: true });
    });
    expect(screen.getByTestId('palette')).toBeTruthy();
  });

  it('filters fuzzily as you type, over titles, extension names and ids', async () => {
    await openPalette();
    const input = screen.getByTestId('palette-input');
    fireEvent.change(input, { target: { value: 'spnfr' } });
    expect(items()).toEqual(['acme.runaway/runaway.spin']);
    fireEvent.change(input, { target: { value: 'word count' } });
    expect(items()).toContain('acme.word-count/word-count.count');
    fireEvent.change(input, { target: { value: 'hidden' } });
    expect(items()).toEqual([]);
    expect(screen.getByTestId('palette-empty').textContent).toMatch(/No command matches/);
  });

  it('moves with the arrows and selects with Enter, opening the command in Run', async () => {
    await openPalette();
    const input = screen.getByTestId('palette-input');
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'ArrowUp' });
    expect(screen.getAllByTestId('palette-item')[2]!.getAttribute('aria-selected')).toBe('true');
    await act(async () => {
      fireEvent.keyDown(input, { key: 'Enter' });
    });
    expect(screen.queryByTestId('palette')).toBeNull();
    expect(store().view).toBe('run');
    expect(screen.getByTestId('command-card').getAttribute('data-command')).toBe('acme.runaway/runaway.spin');
  });

  it('Escape closes; a click selects', async () => {
    await openPalette();
    fireEvent.keyDown(screen.getByTestId('palette-input'), { key: 'Escape' });
    expect(screen.queryByTestId('palette')).toBeNull();
    fireEvent.click(screen.getByTestId('open-palette-top'));
    await act(async () => {
      fireEvent.click(screen.getAllByTestId('palette-item')[1]!);
    });
    expect(store().selected).toEqual({ extensionId: 'acme.word-count', commandId: 'word-count.stats' });
  });
});
