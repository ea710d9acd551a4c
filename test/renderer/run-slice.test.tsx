import { beforeEach, describe, expect, it } from 'vitest';
import { buildArgs, initialValues } from '../../renderer/src/lib/command-args';
import { paletteCommands } from '../../renderer/src/stores/run-slice';
import { deferred, FakeBridge } from './fake-bridge';
import { extension } from './fixtures';
import { startStore, store } from './helpers';

const calc = extension({
  id: 'acme.calc',
  name: 'Calc',
  commands: [
    {
      id: 'calc.sum',
      title: 'Sum',
      params: {
        a: { type: 'number', required: true, min: 0, max: 10, integer: true },
        label: { type: 'string', default: 'total' },
        loud: { type: 'boolean' },
        unit: { type: 'enum', values: ['m', 'km'], required: true },
        note: { type: 'string' },
        file: { type: 'path', kind: 'file', title: 'Input file' },
      },
    },
  ],
});

let bridge: FakeBridge;
beforeEach(async () => {
  bridge = new FakeBridge().handle('extensions.list', () => [calc, extension({ id: 'off.x', enabled: false })]);
  await startStore(bridge);
});

describe('command args', () => {
  it('starts from declared defaults', () => {
    expect(initialValues(calc.commands[0]!.params)).toEqual({
      a: '',
      label: 'total',
      loud: false,
      unit: 'm',
      note: '',
      file: '',
    });
  });

  it('builds typed args and leaves out empty optional fields', () => {
    const params = calc.commands[0]!.params;
    expect(buildArgs(params, { a: '3', label: 'x', loud: true, unit: 'km', note: '', file: '' })).toEqual({
      ok: true,
      args: { a: 3, label: 'x', loud: true, unit: 'km' },
    });
  });

  it('reports each invalid field', () => {
    const params = calc.commands[0]!.params;
    expect(buildArgs(params, { a: '', unit: 'mi' })).toEqual({
      ok: false,
      errors: { a: 'Required', unit: 'Choose one of the listed values' },
    });
    expect(buildArgs(params, { a: '2.5', unit: 'm' })).toMatchObject({ errors: { a: 'Enter a whole number' } });
    expect(buildArgs(params, { a: '11', unit: 'm' })).toMatchObject({ errors: { a: 'At most 10' } });
    expect(buildArgs(params, { a: '-1', unit: 'm' })).toMatchObject({ errors: { a: 'At least 0' } });
    expect(buildArgs(params, { a: 'abc', unit: 'm' })).toMatchObject({ errors: { a: 'Enter a number' } });
  });
});

describe('run slice', () => {
  it('lists the commands of runnable extensions only', () => {
    const cmds = paletteCommands([
      calc,
      extension({ id: 'off', enabled: false }),
      extension({ id: 'q', state: 'quarantined', quarantine: { reason: 'cpu', since: 1 } }),
      extension({ id: 'b', blocked: 'bad version' }),
    ]);
    expect(cmds.map((c) => `${c.extensionId}/${c.commandId}`)).toEqual(['acme.calc/calc.sum']);
  });

  it('selecting a command fills its form, closes the palette and shows Run', () => {
    store().openPalette();
    store().selectCommand({ extensionId: 'acme.calc', commandId: 'calc.sum' });
    expect(store().paletteOpen).toBe(false);
    expect(store().view).toBe('run');
    expect(store().formValues.label).toBe('total');
  });

  it('does not run with invalid fields', async () => {
    store().selectCommand({ extensionId: 'acme.calc', commandId: 'calc.sum' });
    await store().runSelected();
    expect(store().formErrors).toEqual({ a: 'Required' });
    expect(bridge.callsOf('commands.run')).toEqual([]);
    store().setFormValue('a', '4');
    expect(store().formErrors).toEqual({});
  });

  it('runs, follows progress for its own run id only, and keeps the result', async () => {
    const gate = deferred<{ result: { type: 'text'; text: string }; durationMs: number }>();
    bridge.handle('commands.run', () => gate.promise);
    store().selectCommand({ extensionId: 'acme.calc', commandId: 'calc.sum' });
    store().setFormValue('a', '4');
    const running = store().runSelected();
    const run = store().run!;
    expect(run.status).toBe('running');
    expect(bridge.callsOf('commands.run')).toEqual([
      {
        runId: run.runId,
        extensionId: 'acme.calc',
        commandId: 'calc.sum',
        args: { a: 4, label: 'total', loud: false, unit: 'm' },
      },
    ]);
    bridge.emit('commands.progress', { runId: 'someone-else', fraction: 0.9 });
    expect(store().run?.progress).toBeNull();
    bridge.emit('commands.progress', { runId: run.runId, fraction: 0.5, message: 'Halfway' });
    expect(store().run?.progress).toEqual({ fraction: 0.5, message: 'Halfway' });
    bridge.emit('commands.progress', { runId: run.runId, fraction: 7 });
    expect(store().run?.progress?.fraction).toBe(1);
    gate.resolve({ result: { type: 'text', text: '4' }, durationMs: 12 });
    await running;
    expect(store().run).toMatchObject({ status: 'done', result: { type: 'text', text: '4' }, durationMs: 12 });
  });

  it('keeps a failure with its code, message and location', async () => {
    bridge.handle('commands.run', () => ({
      error: { code: 'EEXTENSION', message: 'x is not defined', location: 'ext://acme.calc/dist/extension.js:3:7' },
    }));
    store().selectCommand({ extensionId: 'acme.calc', commandId: 'calc.sum' });
    store().setFormValue('a', '1');
    await store().runSelected();
    expect(store().run).toMatchObject({
      status: 'failed',
      error: { code: 'EEXTENSION', location: 'ext://acme.calc/dist/extension.js:3:7' },
    });
  });

  it('cancels by run id; ECANCELED ends the run as cancelled', async () => {
    const gate = deferred<{ error: { code: 'ECANCELED'; message: string } }>();
    bridge.handle('commands.run', () => gate.promise);
    bridge.handle('commands.cancel', () => ({}));
    store().selectCommand({ extensionId: 'acme.calc', commandId: 'calc.sum' });
    store().setFormValue('a', '1');
    const running = store().runSelected();
    const runId = store().run!.runId;
    await store().cancelRun();
    expect(bridge.callsOf('commands.cancel')).toEqual([{ runId }]);
    expect(store().run?.status).toBe('cancelling');
    gate.resolve({ error: { code: 'ECANCELED', message: 'cancelled' } });
    await running;
    expect(store().run?.status).toBe('cancelled');
  });

  it('fills a path field from the host picker with the declared kind', async () => {
    bridge.handle('pickers.pickFile', () => ({ path: '/home/u/in.txt' }));
    store().selectCommand({ extensionId: 'acme.calc', commandId: 'calc.sum' });
    await store().pickParamPath('file');
    expect(bridge.callsOf('pickers.pickFile')).toEqual([{ kind: 'file', title: 'Input file' }]);
    expect(store().formValues.file).toBe('/home/u/in.txt');
  });

  it('generates distinct run ids', async () => {
    bridge.handle('commands.run', () => ({ result: { type: 'text', text: '' }, durationMs: 1 }));
    store().selectCommand({ extensionId: 'acme.calc', commandId: 'calc.sum' });
    store().setFormValue('a', '1');
    await store().runSelected();
    await store().runSelected();
    const ids = bridge.callsOf('commands.run').map((c) => c.runId);
    expect(new Set(ids).size).toBe(2);
  });
});
