import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { deferred, FakeBridge } from './fake-bridge';
import { extension } from './fixtures';
import { renderApp, settle, store } from './helpers';

afterEach(cleanup);

const ext = extension({
  id: 'acme.form',
  name: 'Form',
  commands: [
    {
      id: 'form.all',
      title: 'Every field',
      params: {
        name: { type: 'string', title: 'Name', required: true },
        body: { type: 'string', multiline: true },
        count: { type: 'number', min: 1, max: 5, integer: true, default: 2 },
        ratio: { type: 'number' },
        force: { type: 'boolean', title: 'Force', description: 'Overwrite existing files' },
        mode: { type: 'enum', values: ['fast', 'careful'], required: true },
        folder: { type: 'path', kind: 'directory', title: 'Folder' },
      },
    },
  ],
});

async function openForm(bridge = new FakeBridge()) {
  bridge.handle('extensions.list', () => [ext]);
  bridge.handle('app.info', () => ({ version: '0.1.0', apiVersion: '1', mode: 'electron' }));
  await renderApp(bridge);
  await act(async () => store().selectCommand({ extensionId: 'acme.form', commandId: 'form.all' }));
  return bridge;
}

const field = (name: string) => screen.getByTestId(`param-${name}`) as HTMLInputElement;

describe('command form', () => {
  it('generates one control per param type', async () => {
    await openForm();
    expect(field('name').tagName).toBe('INPUT');
    expect(field('name').type).toBe('text');
    expect(field('body').tagName).toBe('TEXTAREA');
    expect(field('count').type).toBe('number');
    expect([field('count').min, field('count').max, field('count').step, field('count').value]).toEqual([
      '1',
      '5',
      '1',
      '2',
    ]);
    expect(field('ratio').step).toBe('any');
    expect(field('force').type).toBe('checkbox');
    expect(screen.getByLabelText('Force')).toBe(field('force'));
    expect(field('mode').tagName).toBe('SELECT');
    expect([...(field('mode') as unknown as HTMLSelectElement).options].map((o) => o.value)).toEqual([
      'fast',
      'careful',
    ]);
    expect(field('folder').type).toBe('text');
    expect(screen.getByTestId('param-pick-folder').textContent).toBe('Choose…');
  });

  it('fills a path from the picker, asking for a directory', async () => {
    const bridge = await openForm(new FakeBridge().handle('pickers.pickFile', () => ({ path: '/home/u/Docs' })));
    await act(async () => {
      fireEvent.click(screen.getByTestId('param-pick-folder'));
      await settle();
    });
    expect(bridge.callsOf('pickers.pickFile')).toEqual([{ kind: 'directory', title: 'Folder' }]);
    expect(field('folder').value).toBe('/home/u/Docs');
  });

  it('shows field errors instead of running', async () => {
    const bridge = await openForm();
    fireEvent.change(field('count'), { target: { value: '9' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('run-button'));
    });
    expect(screen.getByTestId('param-name-error').textContent).toBe('Required');
    expect(screen.getByTestId('param-count-error').textContent).toBe('At most 5');
    expect(field('name').getAttribute('aria-invalid')).toBe('true');
    expect(bridge.callsOf('commands.run')).toEqual([]);
  });

  it('runs with typed args, shows progress, allows cancel, then the result', async () => {
    const gate = deferred<{ result: { type: 'text'; text: string }; durationMs: number }>();
    const bridge = await openForm(
      new FakeBridge().handle('commands.run', () => gate.promise).handle('commands.cancel', () => ({})),
    );
    fireEvent.change(field('name'), { target: { value: 'Ada' } });
    fireEvent.click(field('force'));
    fireEvent.change(field('mode'), { target: { value: 'careful' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('run-button'));
    });
    const call = bridge.callsOf('commands.run')[0]!;
    expect(call.args).toEqual({ name: 'Ada', count: 2, force: true, mode: 'careful' });
    expect(screen.getByTestId('run-result').getAttribute('data-status')).toBe('running');
    expect(screen.getByTestId('run-button').getAttribute('aria-disabled')).toBe('true');

    await act(async () => bridge.emit('commands.progress', { runId: call.runId, fraction: 0.4, message: 'Reading' }));
    expect(screen.getByTestId('run-progress').getAttribute('aria-valuenow')).toBe('40');
    expect(screen.getByTestId('run-progress-text').textContent).toBe('Reading (40%)');

    await act(async () => {
      fireEvent.click(screen.getByTestId('run-cancel'));
    });
    expect(bridge.callsOf('commands.cancel')).toEqual([{ runId: call.runId }]);

    await act(async () => {
      gate.resolve({ result: { type: 'text', text: 'hello\nworld' }, durationMs: 31 });
      await settle();
    });
    expect(screen.getByTestId('run-result').getAttribute('data-status')).toBe('done');
    expect(screen.getByTestId('result-text').textContent).toBe('hello\nworld');
  });

  it('shows an error with its code, message and location', async () => {
    await openForm(
      new FakeBridge().handle('commands.run', () => ({
        error: {
          code: 'EPERM',
          reason: 'denied',
          message: 'fs.read /etc/passwd denied',
          location: 'ext://acme.form/dist/extension.js:10:3',
        },
      })),
    );
    fireEvent.change(field('name'), { target: { value: 'x' } });
    await act(async () => {
      fireEvent.submit(screen.getByTestId('command-form'));
      await settle();
    });
    expect(screen.getByTestId('run-error-code').textContent).toBe('EPERM');
    expect(screen.getByTestId('run-error-message').textContent).toBe('fs.read /etc/passwd denied');
    expect(screen.getByTestId('run-error-location').textContent).toBe('at ext://acme.form/dist/extension.js:10:3');
  });
});
