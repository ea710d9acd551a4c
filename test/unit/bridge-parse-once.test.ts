// Bridge params are parsed once per call: at the receiving side of the trust boundary (main's IPC
// handler, the server's WebSocket end), and the real app host takes what they accepted as it is.
// An in-process caller that skips a transport is parsed by the host, once.
import fs from 'node:fs';
import { EventEmitter } from 'node:events';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { BRIDGE_METHODS, ipcChannel, type BridgeMethod } from '../../electron/common/bridge/schemas';
import { acceptBridgeCall } from '../../electron/common/bridge/bridge-host';
import { registerBridgeIpc } from '../../electron/main/ipc';
import { serveBridge } from '../../electron/web/ws-bridge';
import { createAppHost } from '../../electron/core/app/app-host';
import { createForkLauncher } from '../../electron/core/process/fork-launcher';
import { silentLogger } from '../../electron/core/platform/logger';
import { BOOTSTRAP, CODE_CACHE, tempDir } from '../helpers/sandbox';

vi.mock('electron', () => {
  throw new Error('unit tests must not load electron');
});

const dataDir = tempDir('warden-parse-once-');
const host = createAppHost({
  dataDir,
  launcher: createForkLauncher({ bootstrapPath: BOOTSTRAP, codeCacheDir: CODE_CACHE }),
  mode: 'headless',
  version: '0.0.0-test',
});
afterAll(async () => {
  await host.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

const METHOD: BridgeMethod = 'resources.snapshot';
/** Counts every way the method's params schema can be run. */
function spyOnSchema() {
  const schema = BRIDGE_METHODS[METHOD].params;
  return [vi.spyOn(schema, 'safeParse'), vi.spyOn(schema, 'parse')] as const;
}
const runs = (spies: ReturnType<typeof spyOnSchema>) => spies[0].mock.calls.length + spies[1].mock.calls.length;

describe('bridge params are parsed exactly once per call', () => {
  it('renderer → main over IPC', async () => {
    const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
    const dispose = registerBridgeIpc({
      ipcMain: { handle: (c: string, l: never) => void handlers.set(c, l), removeHandler: () => {} } as never,
      host,
      isTrustedSender: () => true,
    });
    const spies = spyOnSchema();
    const result = await handlers.get(ipcChannel(METHOD))!({ senderFrame: null }, { sinceMs: 1000 });
    expect(result).toEqual({ ok: true, value: [] });
    expect(runs(spies)).toBe(1);
    dispose();
  });

  it('browser → server over the WebSocket', async () => {
    const sent: string[] = [];
    const socket = Object.assign(new EventEmitter(), {
      OPEN: 1,
      readyState: 1,
      send: (text: string) => void sent.push(text),
      close: () => {},
      terminate: () => {},
    });
    serveBridge(socket as never, host, silentLogger);
    const spies = spyOnSchema();
    socket.emit('message', Buffer.from(JSON.stringify({ t: 'call', id: 1, method: METHOD, params: {} })), false);
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(JSON.parse(sent[0]!)).toEqual({ t: 'result', id: 1, result: { ok: true, value: [] } });
    expect(runs(spies)).toBe(1);
    socket.emit('close');
  });

  it('an in-process caller (no transport): the host parses, once', async () => {
    const spies = spyOnSchema();
    expect(await host.handle(METHOD, { sinceMs: 5 })).toEqual({ ok: true, value: [] });
    expect(runs(spies)).toBe(1);
    expect(await host.handle(METHOD, { sinceMs: -1 })).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
  });

  it('params accepted for one method are parsed again when passed to another', async () => {
    const accepted = acceptBridgeCall('extensions.stop', { id: 'acme.x' });
    expect(accepted.ok).toBe(true);
    const schema = BRIDGE_METHODS['extensions.uninstall'].params;
    const spy = vi.spyOn(schema, 'safeParse');
    await host.handle('extensions.uninstall', accepted.ok ? accepted.params : undefined);
    expect(spy).toHaveBeenCalledTimes(1);
  });
});
