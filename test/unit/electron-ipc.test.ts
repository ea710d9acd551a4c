// The IPC bridge in the main process, driven by a fake ipcMain and a fake host: electron itself
// is never loaded here.
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import {
  BRIDGE_METHOD_NAMES,
  IPC_EVENT_CHANNEL,
  ipcChannel,
  type BridgeEvent,
  type BridgeMethod,
} from '../../electron/common/bridge/schemas';
import { WardenError } from '../../electron/common/errors';
import { createSenderCheck, registerBridgeIpc, type SenderFrame } from '../../electron/main/ipc';
import type { BridgeHost } from '../../electron/main/bridge-host';
import { createLogger, memorySink } from '../../electron/core/platform/logger';

vi.mock('electron', () => {
  throw new Error('unit tests must not load electron');
});

const RENDERER = '/opt/warden/resources/app.asar/dist/renderer/index.html';
const RENDERER_URL = pathToFileURL(RENDERER).href;
const MAIN_FRAME = { processId: 7, routingId: 1 };

type Handler = (event: { senderFrame: SenderFrame | null }, ...args: unknown[]) => Promise<unknown>;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    handle: (channel: string, listener: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
}

function fakeHost() {
  let listener: ((event: BridgeEvent, payload: unknown) => void) | undefined;
  const host = {
    handle: vi.fn<BridgeHost['handle']>(async () => ({ ok: true as const, value: { opened: true } })),
    subscribe: vi.fn((l: (event: BridgeEvent, payload: unknown) => void) => {
      listener = l;
      return () => {
        listener = undefined;
      };
    }),
    emit: (event: BridgeEvent, payload: unknown) => listener?.(event, payload),
    subscribed: () => listener !== undefined,
  };
  return host;
}

function frame(overrides: Partial<SenderFrame> = {}): SenderFrame {
  return { url: RENDERER_URL, parent: null, detached: false, ...MAIN_FRAME, ...overrides } as SenderFrame;
}

function setup(options: { mainFrame?: typeof MAIN_FRAME | undefined } = { mainFrame: MAIN_FRAME }) {
  const ipcMain = fakeIpcMain();
  const host = fakeHost();
  const sent: unknown[][] = [];
  const target = { destroyed: false, send: vi.fn((...args: unknown[]) => void sent.push(args)) };
  const sink = memorySink();
  const dispose = registerBridgeIpc({
    ipcMain: ipcMain as never,
    host,
    isTrustedSender: createSenderCheck({ rendererFile: RENDERER, mainFrame: () => options.mainFrame }),
    eventTarget: () => ({ send: target.send, isDestroyed: () => target.destroyed }) as never,
    logger: createLogger(sink),
  });
  const invoke = (method: BridgeMethod, senderFrame: SenderFrame | null, ...args: unknown[]) => {
    const handler = ipcMain.handlers.get(ipcChannel(method));
    if (!handler) throw new Error(`no handler for ${method}`);
    return handler({ senderFrame }, ...args);
  };
  return { ipcMain, host, target, sent, sink, dispose, invoke };
}

describe('registerBridgeIpc: channels', () => {
  it('registers exactly one handler per bridge method, on warden:<method>', () => {
    const { ipcMain } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(BRIDGE_METHOD_NAMES.map(ipcChannel).sort());
    expect(ipcChannel('extensions.list')).toBe('warden:extensions.list');
  });

  it('dispose removes every handler and stops forwarding events', () => {
    const { ipcMain, host, dispose } = setup();
    expect(host.subscribed()).toBe(true);
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(host.subscribed()).toBe(false);
  });
});

describe('registerBridgeIpc: who may call', () => {
  const foreign: Array<[string, SenderFrame | null]> = [
    ['a missing frame', null],
    ['a web page', frame({ url: 'https://evil.example/index.html' })],
    ['another local file', frame({ url: pathToFileURL('/tmp/evil/index.html').href })],
    [
      'a sibling file in the renderer folder',
      frame({ url: pathToFileURL('/opt/warden/resources/app.asar/dist/renderer/x.html').href }),
    ],
    ['a file URL with a host', frame({ url: `file://evil.example${pathToFileURL(RENDERER).pathname}` })],
    ['a subframe of our page', frame({ parent: frame() as never })],
    ['the main frame of another window', frame({ routingId: 99 })],
    ['a frame in another renderer process', frame({ processId: 8 })],
    ['a detached frame', frame({ detached: true })],
    ['a frame with an unparsable URL', frame({ url: 'not a url' })],
  ];

  for (const [what, senderFrame] of foreign) {
    it(`refuses ${what} with EPERM, without calling the host`, async () => {
      const { host, invoke } = setup();
      const result = await invoke('app.openExternal', senderFrame, { url: 'https://example.com/' });
      expect(result).toMatchObject({ ok: false, error: { code: 'EPERM' } });
      expect(host.handle).not.toHaveBeenCalled();
    });
  }

  it('refuses every call while there is no window', async () => {
    const { host, invoke } = setup({ mainFrame: undefined });
    expect(await invoke('extensions.list', frame(), {})).toMatchObject({ ok: false, error: { code: 'EPERM' } });
    expect(host.handle).not.toHaveBeenCalled();
  });

  it('refuses a sender whose senderFrame getter throws', async () => {
    const { ipcMain, host } = setup();
    const event = Object.defineProperty({}, 'senderFrame', {
      get() {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    });
    const result = await ipcMain.handlers.get(ipcChannel('extensions.list'))!(event as never, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'EPERM' } });
    expect(host.handle).not.toHaveBeenCalled();
  });

  it('accepts our page, whatever its fragment or query', async () => {
    const { host, invoke } = setup();
    const result = await invoke('extensions.list', frame({ url: `${RENDERER_URL}?v=1#/activity` }), {});
    expect(result).toEqual({ ok: true, value: { opened: true } });
    expect(host.handle).toHaveBeenCalledTimes(1);
  });
});

describe('registerBridgeIpc: parameters', () => {
  const invalid: Array<[BridgeMethod, unknown[]]> = [
    ['extensions.uninstall', [{ id: 5 }]],
    ['extensions.uninstall', [{}]],
    ['extensions.uninstall', [{ id: 'acme.x', extra: true }]],
    ['extensions.uninstall', [undefined]],
    ['extensions.uninstall', ['acme.x']],
    ['extensions.uninstall', []],
    ['extensions.uninstall', [{ id: 'acme.x' }, { id: 'second' }]],
    ['app.openExternal', [{ url: 'x'.repeat(5000) }]],
    ['extensions.install', [{ source: 'url', path: 'https://example.com/x.tgz' }]],
    ['activity.query', [{ limit: 0 }]],
  ];

  for (const [method, args] of invalid) {
    it(`${method}(${JSON.stringify(args).slice(0, 60)}) → EINVAL, host not called`, async () => {
      const { host, invoke } = setup();
      const result = (await invoke(method, frame(), ...args)) as {
        ok: boolean;
        error: { code: string; message: string };
      };
      expect(result).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
      expect(result.error.message).toContain(method);
      expect(host.handle).not.toHaveBeenCalled();
    });
  }

  it('names the field that is wrong', async () => {
    const { invoke } = setup();
    const result = (await invoke('extensions.setEnabled', frame(), { id: 'acme.x', enabled: 'yes' })) as {
      error: { message: string };
    };
    expect(result.error.message).toMatch(/enabled/);
  });
});

describe('registerBridgeIpc: answers', () => {
  it('passes valid params to the host and its result back unchanged', async () => {
    const { host, invoke } = setup();
    const value = [{ extensionId: 'acme.x', history: [] }];
    host.handle.mockResolvedValueOnce({ ok: true, value } as never);
    const result = await invoke('resources.snapshot', frame(), { sinceMs: 1000 });
    expect(host.handle).toHaveBeenCalledWith('resources.snapshot', { sinceMs: 1000 });
    expect(result).toEqual({ ok: true, value });
  });

  it('passes a host failure back as data', async () => {
    const { host, invoke } = setup();
    const failure = { ok: false as const, error: { code: 'ENOENT' as const, message: 'no such extension: acme.x' } };
    host.handle.mockResolvedValueOnce(failure);
    expect(await invoke('extensions.stop', frame(), { id: 'acme.x' })).toEqual(failure);
  });

  it('turns a host rejection into data: a WardenError keeps its message, anything else does not', async () => {
    const { host, invoke, sink } = setup();
    host.handle.mockRejectedValueOnce(new WardenError('EPERM', 'blocked by policy'));
    expect(await invoke('extensions.restart', frame(), { id: 'a' })).toEqual({
      ok: false,
      error: { code: 'EPERM', message: 'blocked by policy' },
    });
    host.handle.mockRejectedValueOnce(new Error('EACCES: /home/me/.config/Warden/grants.json'));
    const result = await invoke('extensions.restart', frame(), { id: 'a' });
    expect(result).toEqual({ ok: false, error: { code: 'EINTERNAL', message: 'internal error in the host' } });
    expect(JSON.stringify(result)).not.toContain('/home/me');
    expect(sink.entries.some((e) => e.level === 'error')).toBe(true);
  });
});

describe('registerBridgeIpc: events', () => {
  it('forwards host events to the window on warden:event as { event, payload }', () => {
    const { host, sent } = setup();
    const payload = { promptId: 'p1', answer: 'deny' };
    host.emit('prompts.closed', payload);
    expect(sent).toEqual([[IPC_EVENT_CHANNEL, { event: 'prompts.closed', payload }]]);
  });

  it('drops events while the window is destroyed', () => {
    const { host, target } = setup();
    target.destroyed = true;
    host.emit('prompts.closed', { promptId: 'p1', answer: 'deny' });
    expect(target.send).not.toHaveBeenCalled();
  });

  it('logs an event that cannot be sent and keeps forwarding the next ones', () => {
    const { host, target, sink, sent } = setup();
    target.send.mockImplementationOnce(() => {
      throw new Error('An object could not be cloned.');
    });
    host.emit('activity.record', { time: 1, ext: 'a', kind: 'operation', fn: () => 1 });
    host.emit('prompts.closed', { promptId: 'p2', answer: 'allow-once' });
    expect(sink.entries.filter((e) => e.msg === 'bridge event not delivered')).toHaveLength(1);
    expect(sent).toEqual([
      [IPC_EVENT_CHANNEL, { event: 'prompts.closed', payload: { promptId: 'p2', answer: 'allow-once' } }],
    ]);
  });
});
