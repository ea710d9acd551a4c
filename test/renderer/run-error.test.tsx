// Issue 15 item 5: a failed run leads with a sentence and an action; the code stays visible.
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorData } from '../../electron/common/error-schema';
import { FakeBridge } from './fake-bridge';
import { extension } from './fixtures';
import { renderApp, settle, store } from './helpers';

afterEach(cleanup);

const ext = extension({
  id: 'acme.tools',
  name: 'Tools',
  commands: [{ id: 'tools.read', title: 'Read', params: { path: { type: 'string', title: 'Path' } } }],
});

async function failWith(error: ErrorData) {
  const bridge = new FakeBridge()
    .handle('extensions.list', () => [ext])
    .handle('commands.run', () => ({ error }))
    .handle('extensions.release', () => ({}));
  await renderApp(bridge);
  await act(async () => store().selectCommand({ extensionId: 'acme.tools', commandId: 'tools.read' }));
  await act(async () => {
    fireEvent.click(screen.getByTestId('run-button'));
    await settle();
  });
  return bridge;
}

const text = (id: string) => screen.getByTestId(id).textContent;
const click = (id: string) =>
  act(async () => {
    fireEvent.click(screen.getByTestId(id));
    await settle();
  });

describe('run errors', () => {
  it('a denial says so in words first, offers Ask again and Manage permissions, and keeps the code', async () => {
    const bridge = await failWith({ code: 'EPERM', reason: 'denied', message: 'fs.read ~/x denied by the user' });
    const box = screen.getByTestId('run-error');
    expect(box.firstElementChild!.textContent).toBe('You denied this permission.');
    expect(text('run-error-code')).toBe('EPERM');
    expect(box.textContent).toMatch(/Error code EPERM \(denied\)/);
    await click('run-error-action-ask-again');
    expect(bridge.callsOf('commands.run')).toHaveLength(2);
    await click('run-error-action-manage-permissions');
    expect(store().view).toBe('permissions');
  });

  it('a quarantined extension offers Release, which releases it and runs again', async () => {
    const bridge = await failWith({ code: 'EPERM', message: 'acme.tools is quarantined (3 strikes in 10 min)' });
    expect(text('run-error-sentence')).toMatch(/quarantined after repeated problems/);
    await click('run-error-action-release');
    expect(bridge.callsOf('extensions.release')).toEqual([{ id: 'acme.tools' }]);
    expect(bridge.callsOf('commands.run')).toHaveLength(2);
  });

  it('a quota error leads with what happened, not with EQUOTA', async () => {
    await failWith({ code: 'EQUOTA', message: 'storage quota of 1 MiB exceeded' });
    expect(screen.getByTestId('run-error').firstElementChild!.textContent).toBe(
      'The extension went over one of its limits and was stopped.',
    );
    expect(screen.getByTestId('run-error-action-run-again')).toBeTruthy();
    expect(text('run-error-code')).toBe('EQUOTA');
  });
});
