// Issue 15 items 2 and 3: where focus goes around the palette and Run, Ctrl/Cmd+Enter, recent
// commands first, one-step runs of commands without parameters, results that belong to their
// command, required fields marked, and no Run while disconnected.
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RECENT_STORAGE_KEY } from '../../renderer/src/stores/run-slice';
import { deferred, FakeBridge } from './fake-bridge';
import { extension } from './fixtures';
import { renderApp, settle, store } from './helpers';

afterEach(cleanup);
beforeEach(() => localStorage.removeItem(RECENT_STORAGE_KEY));

const ext = extension({
  id: 'acme.tools',
  name: 'Tools',
  commands: [
    {
      id: 'tools.note',
      title: 'Write a note',
      params: {
        title: { type: 'string', title: 'Title', required: true },
        body: { type: 'string', title: 'Body', multiline: true },
      },
    },
    { id: 'tools.uuid', title: 'Make a UUID', params: {} },
  ],
});

const done = (text: string) => ({ result: { type: 'text' as const, text }, durationMs: 3 });

async function start(bridge = new FakeBridge()) {
  bridge.handle('extensions.list', () => [ext]);
  if (!bridge.has('commands.run')) bridge.handle('commands.run', (p) => done(`ran ${p.commandId}`));
  await renderApp(bridge);
  return bridge;
}

async function palette(query: string) {
  await act(async () => {
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
  });
  fireEvent.change(screen.getByTestId('palette-input'), { target: { value: query } });
}

async function pressEnterInPalette() {
  await act(async () => {
    fireEvent.keyDown(screen.getByTestId('palette-input'), { key: 'Enter' });
    await settle();
  });
}

const paletteOrder = () => screen.queryAllByTestId('palette-item').map((li) => li.getAttribute('data-command'));

describe('run flow', () => {
  it('choosing a command in the palette puts focus in its first field', async () => {
    await start();
    await palette('write a note');
    await pressEnterInPalette();
    expect(screen.queryByTestId('palette')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('param-title'));
  });

  it('Esc from the palette with nothing focused before lands in the form, not on the page body', async () => {
    await start();
    await act(async () => store().selectCommand({ extensionId: 'acme.tools', commandId: 'tools.note' }));
    (document.activeElement as HTMLElement | null)?.blur();
    await palette('');
    await act(async () => {
      fireEvent.keyDown(screen.getByTestId('palette-input'), { key: 'Escape' });
      await settle();
    });
    expect(screen.queryByTestId('palette')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('param-title'));
  });

  it('Run keeps focus while the command runs; Ctrl+Enter runs from a multi-line field', async () => {
    const gate = deferred<ReturnType<typeof done>>();
    const bridge = await start(new FakeBridge().handle('commands.run', () => gate.promise));
    await act(async () => store().selectCommand({ extensionId: 'acme.tools', commandId: 'tools.note' }));
    fireEvent.change(screen.getByTestId('param-title'), { target: { value: 'Hello' } });
    const run = screen.getByTestId('run-button');
    run.focus();
    await act(async () => {
      fireEvent.click(run);
    });
    expect(screen.getByTestId('run-result').getAttribute('data-status')).toBe('running');
    expect(run.getAttribute('aria-disabled')).toBe('true');
    expect(document.activeElement).toBe(run);
    // A second click while it runs starts nothing.
    await act(async () => {
      fireEvent.click(run);
    });
    expect(bridge.callsOf('commands.run')).toHaveLength(1);
    await act(async () => {
      gate.resolve(done('ok'));
      await settle();
    });
    await act(async () => {
      fireEvent.keyDown(screen.getByTestId('param-body'), { key: 'Enter', ctrlKey: true });
      await settle();
    });
    expect(bridge.callsOf('commands.run')).toHaveLength(2);
    expect(bridge.callsOf('commands.run')[1]!.args).toEqual({ title: 'Hello' });
  });

  it('a command without parameters runs straight from the palette, and recent commands come first', async () => {
    const bridge = await start();
    await palette('');
    expect(paletteOrder()).toEqual(['acme.tools/tools.note', 'acme.tools/tools.uuid']);
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'uuid' } });
    await pressEnterInPalette();
    expect(bridge.callsOf('commands.run').map((c) => c.commandId)).toEqual(['tools.uuid']);
    expect(screen.getByTestId('run-result').getAttribute('data-status')).toBe('done');
    await palette('');
    expect(paletteOrder()).toEqual(['acme.tools/tools.uuid', 'acme.tools/tools.note']);
    // Kept for the next session.
    expect(JSON.parse(localStorage.getItem(RECENT_STORAGE_KEY)!)).toEqual(['acme.tools/tools.uuid']);
  });

  it('a finished result does not stay under a newly chosen command', async () => {
    await start();
    await palette('uuid');
    await pressEnterInPalette();
    expect(screen.getByTestId('run-result')).toBeTruthy();
    await act(async () => store().selectCommand({ extensionId: 'acme.tools', commandId: 'tools.note' }));
    expect(screen.queryByTestId('run-result')).toBeNull();
  });

  it('marks required parameters in words', async () => {
    await start();
    await act(async () => store().selectCommand({ extensionId: 'acme.tools', commandId: 'tools.note' }));
    expect(screen.getByTestId('param-title-required').textContent).toBe(' (required)');
    expect(screen.getByLabelText(/Title \(required\)/)).toBe(screen.getByTestId('param-title'));
    expect(screen.queryByTestId('param-body-required')).toBeNull();
  });

  it('Run does nothing while disconnected, and says why', async () => {
    const bridge = await start();
    await act(async () => store().selectCommand({ extensionId: 'acme.tools', commandId: 'tools.note' }));
    fireEvent.change(screen.getByTestId('param-title'), { target: { value: 'x' } });
    await act(async () => bridge.setStatus({ state: 'closed', detail: 'connection lost (code 1006)' }));
    expect(screen.getByTestId('run-button').getAttribute('aria-disabled')).toBe('true');
    expect(screen.getByTestId('run-offline').textContent).toMatch(/Not connected/);
    await act(async () => {
      fireEvent.click(screen.getByTestId('run-button'));
      await settle();
    });
    expect(bridge.callsOf('commands.run')).toEqual([]);
  });
});
