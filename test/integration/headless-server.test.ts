// Headless mode over real sockets: access checks (token, Host, Origin), static files, and the
// WebSocket bridge driving a real app host with real extension processes.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP, CODE_CACHE, tempDir, writeExtension } from '../helpers/sandbox';
import { createAppHost, type AppHost } from '../../electron/core/app/app-host';
import { createForkLauncher } from '../../electron/core/process/fork-launcher';
import { startHeadlessServer, type HeadlessServer } from '../../electron/web/server';

let host: AppHost;
let server: HeadlessServer;
let dataDir: string;
let docs: string;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: pathAndQuery,
        headers: { host: `127.0.0.1:${server.port}`, ...headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

// Test-side views of bridge frames: loose records, asserted with toMatchObject.
type Payload = Record<string, unknown> & { promptId: string };
interface CallResult {
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string };
}

const cookie = () => `warden_token_${server.port}=${server.token}`;

/** A bridge client: resolves calls by id and collects events. */
function connect(opts: { token?: string; origin?: string } = {}) {
  const q = opts.token === undefined ? `?token=${server.token}` : opts.token ? `?token=${opts.token}` : '';
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge${q}`, {
    headers: { origin: opts.origin ?? `http://127.0.0.1:${server.port}` },
  });
  let nextId = 1;
  const waiting = new Map<number, (r: unknown) => void>();
  const events: Array<{ event: string; payload: unknown }> = [];
  const eventWaiters: Array<{ event: string; resolve(p: unknown): void }> = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as {
      t: string;
      id?: number;
      result?: unknown;
      event?: string;
      payload?: unknown;
    };
    if (frame.t === 'result') waiting.get(frame.id!)?.(frame.result);
    else {
      events.push({ event: frame.event!, payload: frame.payload });
      const i = eventWaiters.findIndex((w) => w.event === frame.event);
      if (i >= 0) eventWaiters.splice(i, 1)[0]!.resolve(frame.payload);
    }
  });
  return {
    ws,
    events,
    opened: new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    }),
    call(method: string, params: unknown = {}): Promise<CallResult> {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve as (r: unknown) => void);
        ws.send(JSON.stringify({ t: 'call', id, method, params }));
      });
    },
    next(event: string): Promise<Payload> {
      return new Promise((resolve) => eventWaiters.push({ event, resolve: resolve as (p: unknown) => void }));
    },
  };
}

beforeAll(async () => {
  dataDir = tempDir('warden-headless-');
  const renderer = tempDir('warden-renderer-');
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Warden</title>');
  fs.writeFileSync(path.join(renderer, 'app.js'), 'console.log(1)');
  docs = fs.realpathSync(tempDir('warden-docs-'));
  fs.writeFileSync(path.join(docs, 'note.txt'), 'hello from the user');
  const extParent = tempDir('warden-ext-');
  const dev = writeExtension(extParent, {
    id: 'test.reader',
    commands: ['read', 'hello'],
    manifest: { permissions: { 'fs.read': [`${docs}/**`] } },
    source: `exports.activate = () => {
      host.commands.register('hello', ({ name }) => 'hello ' + name);
      host.commands.register('read', ({ p }) => host.fs.readText(p));
    };`,
  });
  host = createAppHost({
    dataDir,
    launcher: createForkLauncher({ bootstrapPath: BOOTSTRAP, codeCacheDir: CODE_CACHE }),
    mode: 'headless',
    version: '0.0.0-test',
    devFolders: [dev],
    promptTimeoutMs: 10_000,
  });
  await host.start();
  server = await startHeadlessServer({ host, rendererDir: renderer });
});

afterAll(async () => {
  await server?.close();
  await host?.close();
});

describe('headless server: who may connect', () => {
  it('listens on loopback only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  });

  it('refuses a request without the token', async () => {
    const r = await get('/');
    expect(r.status).toBe(403);
    expect(r.body).not.toContain('Warden</title>');
  });

  it('refuses a wrong token', async () => {
    expect((await get('/?token=nope')).status).toBe(403);
    expect((await get('/', { cookie: `warden_token_${server.port}=nope` })).status).toBe(403);
  });

  it('refuses a wrong Host (DNS rebinding) even with the token', async () => {
    const r = await get(`/?token=${server.token}`, { host: `evil.test:${server.port}` });
    expect(r.status).toBe(421);
  });

  it('refuses a foreign Origin even with the token', async () => {
    expect((await get('/index.html', { cookie: cookie(), origin: 'http://evil.test' })).status).toBe(403);
  });

  it('trades the token in the address for an HttpOnly SameSite cookie', async () => {
    const r = await get(`/?token=${server.token}`);
    expect(r.status).toBe(302);
    expect(r.headers['set-cookie']?.[0]).toMatch(/HttpOnly; SameSite=Strict; Path=\//);
    expect(r.headers.location).toBe(`/#token=${server.token}`);
  });

  it('serves the panel with the cookie, with a strict CSP', async () => {
    const r = await get('/', { cookie: cookie() });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>Warden</title>');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['x-frame-options']).toBe('DENY');
  });

  it('serves nothing outside the renderer folder', async () => {
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/.hidden', '/..%2Fpackage.json']) {
      expect((await get(p, { cookie: cookie() })).status, p).toBe(404);
    }
  });

  it('refuses a bridge connection without the token or from a foreign Origin', async () => {
    await expect(connect({ token: '' }).opened).rejects.toThrow(/refused 403/);
    await expect(connect({ origin: 'http://evil.test' }).opened).rejects.toThrow(/refused 403/);
    await expect(connect({ origin: '' }).opened).rejects.toThrow(/refused 403/);
  });
});

describe('headless server: the bridge', () => {
  it('answers the contract: app info, extension list, a command run', async () => {
    const c = connect();
    await c.opened;
    const info = await c.call('app.info');
    expect(info).toMatchObject({ ok: true, value: { mode: 'headless', apiVersion: '1.0.0' } });
    const list = await c.call('extensions.list');
    expect(list.value).toEqual([
      expect.objectContaining({ id: 'test.reader', unsigned: true, state: 'idle', enabled: true }),
    ]);
    const run = await c.call('commands.run', {
      runId: 'r1',
      extensionId: 'test.reader',
      commandId: 'hello',
      args: { name: 'web' },
    });
    expect(run).toMatchObject({ ok: true, value: { result: { type: 'text', text: 'hello web' } } });
    c.ws.close();
  });

  it('validates parameters and refuses unknown methods as data', async () => {
    const c = connect();
    await c.opened;
    expect(await c.call('extensions.install', { source: 'nowhere' })).toMatchObject({
      ok: false,
      error: { code: 'EINVAL' },
    });
    expect(await c.call('__proto__')).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
    c.ws.close();
  });

  it('routes a permission prompt to the panel; allow once, then deny, both audited', async () => {
    const c = connect();
    await c.opened;
    const target = path.join(docs, 'note.txt');
    const first = c.call('commands.run', {
      runId: 'p1',
      extensionId: 'test.reader',
      commandId: 'read',
      args: { p: target },
    });
    const prompt = await c.next('prompts.opened');
    expect(prompt).toMatchObject({
      extensionId: 'test.reader',
      capability: 'fs.read',
      target,
      declaredScope: [`${docs}/**`],
    });
    expect(await c.call('prompts.answer', { promptId: prompt.promptId, answer: { kind: 'allow-once' } })).toMatchObject(
      { ok: true },
    );
    expect(await first).toMatchObject({ ok: true, value: { result: { type: 'text', text: 'hello from the user' } } });

    const second = c.call('commands.run', {
      runId: 'p2',
      extensionId: 'test.reader',
      commandId: 'read',
      args: { p: target },
    });
    const again = await c.next('prompts.opened');
    await c.call('prompts.answer', { promptId: again.promptId, answer: { kind: 'deny' } });
    expect(await second).toMatchObject({ ok: false, error: { code: 'EPERM', reason: 'denied' } });

    const activity = await c.call('activity.query', { extensionId: 'test.reader', capability: 'fs.read' });
    const decisions = (activity.value as Array<{ kind: string; decision?: string }>).filter(
      (r) => r.kind === 'decision',
    );
    expect(decisions.map((r) => r.decision)).toEqual(['allow', 'deny']);
    c.ws.close();
  });

  it('pushes live resource samples', async () => {
    const c = connect();
    await c.opened;
    const sample = await c.next('resources.sample');
    expect(sample).toMatchObject({ extensionId: 'test.reader', sample: { state: expect.any(String) } });
    c.ws.close();
  });
});
