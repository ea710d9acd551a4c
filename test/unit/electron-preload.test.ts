// The preload's `window.warden`, driven by a fake ipcRenderer: electron itself is never loaded.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import {
  BRIDGE_EVENT_NAMES,
  BRIDGE_METHOD_NAMES,
  IPC_EVENT_CHANNEL,
  ipcChannel,
  type BridgeMethod,
} from '../../electron/common/bridge/schemas';
import { createPreloadBridge, type PreloadIpc } from '../../electron/preload/preload-bridge';
import {
  PRELOAD_EVENT_CHANNEL,
  PRELOAD_EVENT_NAMES,
  PRELOAD_METHOD_NAMES,
  preloadChannel,
} from '../../electron/preload/bridge-names';

vi.mock('electron', () => {
  throw new Error('unit tests must not load electron');
});

/** A fake ipcRenderer: invoke is recorded, on/off are a real emitter (so listener counts are real). */
function fakeIpc(
  answer: (channel: string, params: unknown) => Promise<unknown> = async () => ({ ok: true, value: {} }),
) {
  const emitter = new EventEmitter();
  const ipc = {
    invoke: vi.fn((channel: string, ...args: unknown[]) => answer(channel, args[0])),
    on: vi.fn((channel: string, listener: (...args: unknown[]) => void) => emitter.on(channel, listener)),
    off: vi.fn((channel: string, listener: (...args: unknown[]) => void) => emitter.off(channel, listener)),
  };
  /** What main's `webContents.send(IPC_EVENT_CHANNEL, message)` looks like to the renderer. */
  const push = (message: unknown) => emitter.emit(IPC_EVENT_CHANNEL, { sender: ipc, senderId: 0 }, message);
  return { ipc: ipc satisfies PreloadIpc, emitter, push };
}

type LooseBridge = {
  call(method: string, params: unknown): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): () => void;
};

describe('the exposed object', () => {
  it('is exactly { call, on }, frozen, functions only (no ipcRenderer reachable)', () => {
    const bridge = createPreloadBridge(fakeIpc().ipc);
    expect(Reflect.ownKeys(bridge).sort()).toEqual(['call', 'on']);
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(typeof bridge.call).toBe('function');
    expect(typeof bridge.on).toBe('function');
    expect(Object.getPrototypeOf(bridge)).toBe(Object.prototype);
  });

  it('uses the contract names and channels (the preload copy equals the contract)', () => {
    expect([...PRELOAD_METHOD_NAMES]).toEqual(BRIDGE_METHOD_NAMES);
    expect([...PRELOAD_EVENT_NAMES]).toEqual(BRIDGE_EVENT_NAMES);
    expect(PRELOAD_EVENT_CHANNEL).toBe(IPC_EVENT_CHANNEL);
    for (const m of BRIDGE_METHOD_NAMES) expect(preloadChannel(m)).toBe(ipcChannel(m));
  });
});

describe('call', () => {
  it('invokes warden:<method> with the params and resolves the answer', async () => {
    const answer = { ok: true, value: [{ id: 'acme.x' }] };
    const { ipc } = fakeIpc(async () => answer);
    const bridge = createPreloadBridge(ipc);
    await expect(bridge.call('extensions.list', {})).resolves.toBe(answer);
    expect(ipc.invoke).toHaveBeenCalledWith('warden:extensions.list', {});
  });

  it('reaches every contract method', async () => {
    const { ipc } = fakeIpc();
    const bridge = createPreloadBridge(ipc) as unknown as LooseBridge;
    for (const m of BRIDGE_METHOD_NAMES) await bridge.call(m, {});
    expect(ipc.invoke.mock.calls.map((c) => c[0])).toEqual(BRIDGE_METHOD_NAMES.map((m: BridgeMethod) => ipcChannel(m)));
  });

  for (const name of [
    'shell.openExternal',
    'event',
    '__proto__',
    'constructor',
    'toString',
    '',
    'warden:app.info',
    42,
    null,
  ]) {
    it(`refuses ${JSON.stringify(name)} with EINVAL, without IPC`, async () => {
      const { ipc } = fakeIpc();
      const bridge = createPreloadBridge(ipc) as unknown as LooseBridge;
      await expect(bridge.call(name as string, {})).resolves.toMatchObject({ ok: false, error: { code: 'EINVAL' } });
      expect(ipc.invoke).not.toHaveBeenCalled();
    });
  }

  it('never rejects: an invoke failure becomes EINTERNAL data', async () => {
    const { ipc } = fakeIpc(async () => {
      throw new Error("Error invoking remote method 'warden:app.info': No handler registered");
    });
    const bridge = createPreloadBridge(ipc);
    await expect(bridge.call('app.info', {})).resolves.toMatchObject({ ok: false, error: { code: 'EINTERNAL' } });
  });
});

describe('on', () => {
  const prompt = { promptId: 'p1' };

  it('delivers only the payload of the named event (never the IpcRendererEvent)', () => {
    const { ipc, push } = fakeIpc();
    const bridge = createPreloadBridge(ipc);
    const listener = vi.fn();
    bridge.on('prompts.opened', listener);
    push({ event: 'prompts.closed', payload: { promptId: 'p0', answer: 'deny' } });
    push({ event: 'prompts.opened', payload: prompt });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([prompt]);
    expect(ipc.on).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, expect.any(Function));
  });

  it('ignores malformed messages', () => {
    const { ipc, push } = fakeIpc();
    const listener = vi.fn();
    createPreloadBridge(ipc).on('prompts.opened', listener);
    for (const m of [undefined, null, 'prompts.opened', 42, {}, { payload: prompt }]) push(m);
    expect(listener).not.toHaveBeenCalled();
  });

  it('one IPC listener per subscription; unsubscribe removes exactly it, once', () => {
    const { ipc, emitter, push } = fakeIpc();
    const bridge = createPreloadBridge(ipc);
    const a = vi.fn();
    const b = vi.fn();
    const offA = bridge.on('prompts.opened', a);
    bridge.on('prompts.opened', b);
    expect(emitter.listenerCount(IPC_EVENT_CHANNEL)).toBe(2);
    offA();
    offA();
    expect(ipc.off).toHaveBeenCalledTimes(1);
    expect(ipc.off.mock.calls[0]![1]).toBe(ipc.on.mock.calls[0]![1]);
    expect(emitter.listenerCount(IPC_EVENT_CHANNEL)).toBe(1);
    push({ event: 'prompts.opened', payload: prompt });
    expect(a).not.toHaveBeenCalled();
    expect(b).toHaveBeenCalledWith(prompt);
  });

  for (const name of ['prompts.answer', 'warden:event', '__proto__', 'constructor', '', 7]) {
    it(`refuses to subscribe to ${JSON.stringify(name)}`, () => {
      const { ipc } = fakeIpc();
      const off = (createPreloadBridge(ipc) as unknown as LooseBridge).on(name as string, vi.fn());
      expect(ipc.on).not.toHaveBeenCalled();
      expect(typeof off).toBe('function');
      off();
      expect(ipc.off).not.toHaveBeenCalled();
    });
  }

  it('refuses a listener that is not a function', () => {
    const { ipc } = fakeIpc();
    (createPreloadBridge(ipc) as unknown as LooseBridge).on('prompts.opened', 'alert(1)' as never);
    expect(ipc.on).not.toHaveBeenCalled();
  });
});

describe('the built preload (dist/preload/index.cjs)', () => {
  const bundle = path.join(__dirname, '..', '..', 'dist', 'preload', 'index.cjs');

  it.skipIf(!fs.existsSync(bundle))(
    'is one file that requires only electron and exposes { call, on } as warden',
    () => {
      const exposed: Array<[string, unknown]> = [];
      const { ipc } = fakeIpc();
      const electron = {
        contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]) },
        ipcRenderer: ipc,
      };
      const required: string[] = [];
      const sandboxRequire = (id: string) => {
        required.push(id);
        if (id === 'electron') return electron;
        throw new Error(`a sandboxed preload cannot require ${id}`);
      };
      const module = { exports: {} };
      // The wrapper Electron gives a sandboxed preload: no __dirname, no Node built-ins.
      const run = vm.runInNewContext(
        `(function (require, module, exports) {${fs.readFileSync(bundle, 'utf8')}\n})`,
        {},
      );
      run(sandboxRequire, module, module.exports);
      expect(required).toEqual(['electron']);
      expect(exposed.map(([key]) => key)).toEqual(['warden']);
      expect(Object.keys(exposed[0]![1] as object).sort()).toEqual(['call', 'on']);
      expect(fs.statSync(bundle).size).toBeLessThan(20_000);
    },
  );
});
