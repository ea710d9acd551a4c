// Issue 15 item 8: the Extensions view lists and searches first; each row has a real on/off
// switch and buttons that name their extension, a signature mark, a dimmed look when off, and a
// "Run…" entry; "Choose…" is hidden where no picker exists (headless mode).
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBridge } from './fake-bridge';
import { extension } from './fixtures';
import { renderApp, settle, store } from './helpers';

afterEach(cleanup);

const list = [
  extension({
    id: 'acme.word-count',
    name: 'Word Count',
    signer: { publisher: 'acme', fingerprint: 'SHA256:q1w2e3r4t5' },
  }),
  extension({
    id: 'acme.tools',
    name: 'Tools',
    commands: [
      { id: 'tools.a', title: 'First tool', params: {} },
      { id: 'tools.b', title: 'Second tool', params: {} },
    ],
  }),
  extension({ id: 'acme.off', name: 'Sleeper', enabled: false, state: 'disabled', unsigned: true }),
];

async function start() {
  const bridge = new FakeBridge().handle('extensions.list', () => list).handle('extensions.setEnabled', () => ({}));
  await renderApp(bridge);
  return bridge;
}

describe('extension rows', () => {
  it('has a real switch and buttons that name their extension', async () => {
    const bridge = await start();
    const sw = screen.getByRole('switch', { name: 'Word Count enabled' });
    expect(sw.getAttribute('aria-checked')).toBe('true');
    expect(screen.getByRole('switch', { name: 'Sleeper enabled' }).getAttribute('aria-checked')).toBe('false');
    expect(screen.getByRole('button', { name: 'Uninstall Word Count' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Uninstall Sleeper' })).toBeTruthy();
    await act(async () => {
      fireEvent.click(sw);
      await settle();
    });
    expect(bridge.callsOf('extensions.setEnabled')).toEqual([{ id: 'acme.word-count', enabled: false }]);
  });

  it('marks the signer with the key fingerprint, and dims a disabled row', async () => {
    await start();
    expect(screen.getByTestId('ext-signature-acme.word-count').textContent).toBe(
      '✓ signed by acme · SHA256:q1w2e3r4t5',
    );
    expect(screen.queryByTestId('ext-signature-acme.off')).toBeNull();
    expect(screen.getByTestId('ext-row-acme.off').className).toMatch(/ext-row-off/);
    expect(screen.getByTestId('ext-row-acme.word-count').className).not.toMatch(/ext-row-off/);
  });

  it('"Run…" opens the only command, or the palette filtered to the extension', async () => {
    await start();
    expect(screen.queryByTestId('ext-run-acme.off')).toBeNull();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Run a command of Word Count' }));
    });
    expect(store().view).toBe('run');
    expect(screen.getByTestId('command-card').getAttribute('data-command')).toBe('acme.word-count/word-count.count');
    await act(async () => store().setView('extensions'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('ext-run-acme.tools'));
    });
    const palette = screen.getByTestId('palette');
    expect((within(palette).getByTestId('palette-input') as HTMLInputElement).value).toBe('Tools');
    expect(within(palette).getAllByTestId('palette-item')[0]!.getAttribute('data-command')).toMatch(/^acme\.tools\//);
  });

  it('searches the installed list, and keeps install behind a button with no picker in headless mode', async () => {
    await start();
    fireEvent.change(screen.getByTestId('ext-search'), { target: { value: 'sleep' } });
    expect(screen.getAllByTestId(/^ext-row-/).map((r) => r.getAttribute('data-testid'))).toEqual(['ext-row-acme.off']);
    fireEvent.change(screen.getByTestId('ext-search'), { target: { value: 'zzz' } });
    expect(screen.getByTestId('ext-search-empty')).toBeTruthy();
    fireEvent.click(screen.getByTestId('install-toggle'));
    expect(screen.getByTestId('install-panel')).toBeTruthy();
    expect(screen.queryByTestId('install-pick')).toBeNull(); // the fake host is in headless mode
  });
});
