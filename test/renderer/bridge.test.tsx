import { describe, expect, it, vi } from 'vitest';
import { isBridgeEvent, isBridgeMethod, WsServerFrameSchema } from '../../electron/common/bridge/ws-protocol';
import {
  bridgeUrl,
  checkResult,
  connectToHost,
  createWsBridge,
  takeToken,
  validatedBridge,
  type ConnectionStatus,
  type UncheckedBridge,
} from '../../renderer/src/bridge';
import { extension } from './fixtures';
import { settle } from './helpers';

describe('validated bridge', () => {
  const inner = (answer: unknown): UncheckedBridge => ({ call: async () => answer, on: () => () => {} });

  it('passes valid results and errors through', async () => {
    const ok = await validatedBridge(inner({ ok: true, value: [extension()] })).call('extensions.list', {});
    expect(ok).toMatchObject({ ok: true, value: [{ id: 'acme.word-count' }] });
    const err = await validatedBridge(
      inner({ ok: false, error: { code: 'EPERM', message: 'no', reason: 'policy' } }),
    ).call('extensions.list', {});
    expect(err).toEqual({ ok: false, error: { code: 'EPERM', message: 'no', reason: 'policy' } });
  });

  it('turns a result outside the contract into EINTERNAL naming the method', async () => {
    const bad = await validatedBridge(inner({ ok: true, value: [{ id: 'x' }] })).call('extensions.list', {});
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('EINTERNAL');
      expect(bad.error.message).toMatch(/^extensions\.list: unexpected result/);
    }
    expect(checkResult('app.info', 'nonsense')).toMatchObject({ ok: false, error: { code: 'EINTERNAL' } });
    expect(checkResult('app.info', { ok: false, error: { code: 'EVIL', message: 'x' } })).toMatchObject({
      ok: false,
      error: { code: 'EINTERNAL' },
    });
  });

  it('turns a throwing transport into EINTERNAL', async () => {
    const r = await validatedBridge({ call: () => Promise.reject(new Error('ipc gone')), on: () => () => {} }).call(
      'app.info',
      {},
    );
    expect(r).toEqual({ ok: false, error: { code: 'EINTERNAL', message: 'app.info: ipc gone' } });
  });

  it('drops malformed events and delivers valid ones parsed', () => {
    let push: (p: unknown) => void = () => {};
    const warn = vi.fn();
    const b = validatedBridge({ call: async () => null, on: (_e, l) => ((push = l), () => {}) }, warn);
    const got: unknown[] = [];
    b.on('commands.progress', (p) => got.push(p));
    push({ runId: 'r', fraction: 'lots' });
    push({ runId: 'r', fraction: 0.5 });
    expect(got).toEqual([{ runId: 'r', fraction: 0.5 }]);
    expect(warn).toHaveBeenCalledOnce();
  });
});

/** A scriptable WebSocket stand-in. */
class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: Event) => unknown) | null = null;
  onclose: ((ev: CloseEvent) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) } as MessageEvent);
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
}

function wsBridge(probe?: () => Promise<'refused' | 'unreachable' | 'reachable'>) {
  FakeSocket.all = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const statuses: ConnectionStatus[] = [];
  const ws = createWsBridge({
    url: 'ws://127.0.0.1:1/bridge?token=t',
    createSocket: (url) => new FakeSocket(url),
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
    random: () => 0.5,
    ...(probe ? { probe } : {}),
  });
  ws.onStatus((s) => statuses.push(s));
  return { ws, timers, statuses, socket: () => FakeSocket.all.at(-1)! };
}

describe('headless WebSocket bridge', () => {
  it('queues calls until open, then sends call frames and resolves validated results', async () => {
    const { ws, socket } = wsBridge();
    const pending = ws.bridge.call('app.info', {});
    expect(socket().sent).toEqual([]);
    socket().open();
    const frame = JSON.parse(socket().sent[0]!);
    expect(frame).toEqual({ t: 'call', id: 1, method: 'app.info', params: {} });
    socket().receive({
      t: 'result',
      id: 1,
      result: { ok: true, value: { version: '1', apiVersion: '1', mode: 'headless' } },
    });
    expect(await pending).toEqual({ ok: true, value: { version: '1', apiVersion: '1', mode: 'headless' } });
  });

  it('validates result values per method', async () => {
    const { ws, socket } = wsBridge();
    socket().open();
    const pending = ws.bridge.call('app.info', {});
    socket().receive({ t: 'result', id: 1, result: { ok: true, value: { version: 1 } } });
    expect(await pending).toMatchObject({ ok: false, error: { code: 'EINTERNAL' } });
  });

  it('delivers valid events and ignores junk frames', () => {
    const { ws, socket } = wsBridge();
    socket().open();
    const got: unknown[] = [];
    const off = ws.bridge.on('prompts.closed', (p) => got.push(p));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    socket().receive('not json');
    socket().receive({ t: 'event', event: 'prompts.closed' });
    socket().receive({ t: 'event', event: 'no.such', payload: {} });
    socket().receive({ t: 'result', id: 99, result: { ok: true, value: 1 } });
    socket().receive({ t: 'event', event: 'prompts.closed', payload: { promptId: 'p', answer: 'deny' } });
    off();
    socket().receive({ t: 'event', event: 'prompts.closed', payload: { promptId: 'q', answer: 'deny' } });
    warn.mockRestore();
    expect(got).toEqual([{ promptId: 'p', answer: 'deny' }]);
  });

  it('fails in-flight calls on disconnect, reconnects with growing backoff, and resends queued calls', async () => {
    const { ws, socket, timers, statuses } = wsBridge();
    const first = socket();
    first.open();
    const inflight = ws.bridge.call('extensions.list', {});
    first.drop();
    expect(await inflight).toMatchObject({ ok: false, error: { code: 'EINTERNAL' } });
    expect(statuses.at(-1)).toEqual({ state: 'closed', detail: 'connection lost (code 1006)' });
    expect(timers[0]!.ms).toBe(250);
    timers[0]!.fn();
    const second = socket();
    expect(second).not.toBe(first);
    second.drop();
    expect(timers[1]!.ms).toBe(500);
    timers[1]!.fn();
    const queued = ws.bridge.call('extensions.list', {});
    socket().open();
    expect(statuses.at(-1)).toEqual({ state: 'open' });
    const frame = JSON.parse(socket().sent[0]!);
    socket().receive({ t: 'result', id: frame.id, result: { ok: true, value: [] } });
    expect(await queued).toEqual({ ok: true, value: [] });
    // After a good connection the backoff starts over.
    socket().drop();
    expect(timers.at(-1)!.ms).toBe(250);
    ws.close();
  });

  it('after a server restart (new token) it stops retrying and says the address expired', async () => {
    let probes = 0;
    const { ws, socket, timers, statuses } = wsBridge(async () => (probes++, 'refused'));
    socket().open();
    socket().drop();
    expect(probes).toBe(0); // one drop is a blip: retry first
    timers[0]!.fn();
    socket().drop();
    await settle();
    expect(probes).toBe(1);
    expect(statuses.at(-1)).toMatchObject({ state: 'closed', cause: 'token' });
    expect(timers).toHaveLength(1); // no further attempt on a token that can never work
    ws.close();
  });

  it('keeps retrying while nothing answers at the address, and says Warden is not running', async () => {
    const { ws, socket, timers, statuses } = wsBridge(async () => 'unreachable');
    socket().drop();
    timers[0]!.fn();
    socket().drop();
    await settle();
    expect(statuses.at(-1)).toMatchObject({ state: 'closed', cause: 'unreachable' });
    expect(timers).toHaveLength(2);
    timers[1]!.fn();
    expect(statuses.at(-1)).toMatchObject({ state: 'connecting', cause: 'unreachable' });
    socket().open();
    expect(statuses.at(-1)).toEqual({ state: 'open' });
    ws.close();
  });

  it('close() stops reconnecting and fails what is waiting', async () => {
    const { ws, timers } = wsBridge();
    const waiting = ws.bridge.call('app.info', {});
    ws.close();
    expect(await waiting).toMatchObject({ ok: false, error: { code: 'EINTERNAL' } });
    expect(timers).toEqual([]);
    expect(await ws.bridge.call('app.info', {})).toMatchObject({ ok: false });
  });
});

describe('token and transport choice', () => {
  it('takes the token from the fragment, removes it from the address bar, and remembers it per tab', () => {
    history.replaceState(null, '', '/index.html?x=1#token=s3cret&view=run');
    expect(takeToken(window)).toBe('s3cret');
    expect(location.hash).toBe('#view=run');
    expect(location.search).toBe('?x=1');
    history.replaceState(null, '', '/index.html');
    expect(takeToken(window)).toBe('s3cret');
    sessionStorage.clear();
    expect(takeToken(window)).toBeNull();
  });

  it('builds the bridge URL from the page location', () => {
    expect(bridgeUrl({ protocol: 'http:', host: '127.0.0.1:4567' }, 'a b')).toBe(
      'ws://127.0.0.1:4567/bridge?token=a%20b',
    );
    expect(bridgeUrl({ protocol: 'https:', host: 'h' }, 't')).toBe('wss://h/bridge?token=t');
  });

  it('uses window.warden when the preload provides it', async () => {
    const fake = {
      call: vi.fn(async () => ({ ok: true, value: { version: '1', apiVersion: '1', mode: 'electron' } })),
      on: vi.fn(() => () => {}),
    };
    const w = Object.assign(Object.create(window), { warden: fake }) as Window;
    const host = connectToHost(w);
    const statuses: ConnectionStatus[] = [];
    host.onStatus((s) => statuses.push(s));
    expect(statuses).toEqual([{ state: 'open' }]);
    expect(await host.bridge.call('app.info', {})).toMatchObject({ ok: true, value: { mode: 'electron' } });
    expect(fake.call).toHaveBeenCalledWith('app.info', {});
  });

  it('without preload or token, reports why instead of connecting', async () => {
    sessionStorage.clear();
    history.replaceState(null, '', '/');
    const host = connectToHost(window);
    const statuses: ConnectionStatus[] = [];
    host.onStatus((s) => statuses.push(s));
    expect(statuses[0]?.state).toBe('closed');
    expect(statuses[0]?.detail).toMatch(/no session token/);
    expect(await host.bridge.call('app.info', {})).toMatchObject({ ok: false, error: { code: 'EINTERNAL' } });
  });
});

describe('ws protocol', () => {
  it('knows the contract names, and only own keys', () => {
    expect(isBridgeMethod('commands.run')).toBe(true);
    expect(isBridgeMethod('toString')).toBe(false);
    expect(isBridgeEvent('activity.record')).toBe(true);
    expect(isBridgeEvent('__proto__')).toBe(false);
  });

  it('rejects frames with extra or missing fields', () => {
    expect(WsServerFrameSchema.safeParse({ t: 'result', id: 1, result: { ok: true, value: 1 } }).success).toBe(true);
    expect(WsServerFrameSchema.safeParse({ t: 'result', id: 0, result: { ok: true, value: 1 } }).success).toBe(false);
    expect(WsServerFrameSchema.safeParse({ t: 'event', event: 'x', payload: 1, extra: 1 }).success).toBe(false);
    expect(
      WsServerFrameSchema.safeParse({ t: 'result', id: 1, result: { ok: false, error: { code: 'NOPE', message: '' } } })
        .success,
    ).toBe(false);
  });
});
