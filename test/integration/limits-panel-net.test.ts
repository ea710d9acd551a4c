// Issue 12 item 1, the panel's side: `warden serve` (headless mode, the panel's own bridge) counts
// an extension's network bytes, so the Resources view's "files / network" column shows them. The
// test speaks to the served bridge as the panel does (token, Origin), runs a command that
// downloads 10 × 64 KiB from a loopback server, and reads the samples the panel charts.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeExtension } from '../helpers/sandbox';
import { startCli, type LiveCli } from '../helpers/cli-process';

const BODY = Buffer.alloc(64 * 1024, 0x62);
let work: string;
let server: http.Server;
let origin: string;
let serve: LiveCli | undefined;

beforeAll(async () => {
  work = tempDir('warden-panel-net-');
  server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-length': BODY.length });
    res.end(BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  if (serve) {
    serve.child.kill('SIGINT');
    await serve.exited;
  }
  await new Promise((r) => server.close(r));
  fs.rmSync(work, { recursive: true, force: true });
});

interface Frame {
  t: string;
  id?: number;
  result?: { ok: boolean; value?: unknown; error?: { code: string; message: string } };
}

describe('the served panel shows network bytes', () => {
  it('resources.snapshot carries the bytes a command downloaded', async () => {
    const dir = writeExtension(work, {
      id: 'good.fetcher',
      commands: ['fetch'],
      manifest: { permissions: { net: [`${origin}/**`] } },
      source: `exports.activate = () => {
        host.commands.register('fetch', async () => {
          for (let i = 0; i < 10; i++) await host.net.fetch('${origin}/x' + i);
          return 'done';
        });
      };`,
    });
    // Pre-approved by the admin policy: no prompt to answer.
    const policy = path.join(work, 'policy.json');
    fs.writeFileSync(
      policy,
      JSON.stringify({
        version: 1,
        allow: [{ capability: 'net', extensions: ['good.fetcher'], targets: [`${origin}/**`] }],
      }),
    );
    serve = startCli(['serve', '--dev', dir, '--policy', policy, '--data-dir', path.join(work, 'data')]);
    const started = performance.now();
    while (!/token=/.test(serve.stdout()) && performance.now() - started < 30_000)
      await new Promise((r) => setTimeout(r, 50));
    const url = new URL(/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(serve.stdout())![0]);
    const ws = new WebSocket(`ws://${url.host}/bridge?token=${url.searchParams.get('token')}`, {
      headers: { origin: `http://${url.host}` },
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    let nextId = 1;
    const call = (method: string, params: unknown) =>
      new Promise<Frame['result']>((resolve) => {
        const id = nextId++;
        const onMessage = (data: WebSocket.RawData) => {
          const f = JSON.parse(String(data)) as Frame;
          if (f.t === 'result' && f.id === id) {
            ws.off('message', onMessage);
            resolve(f.result);
          }
        };
        ws.on('message', onMessage);
        ws.send(JSON.stringify({ t: 'call', id, method, params }));
      });
    const run = await call('commands.run', { runId: 'r1', extensionId: 'good.fetcher', commandId: 'fetch', args: {} });
    expect(run, JSON.stringify(run)).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 1500)); // the next one-second sample
    const snap = await call('resources.snapshot', {});
    ws.close();
    const history = (snap?.value as Array<{ extensionId: string; history: Array<{ netBytes: number }> }>).find(
      (h) => h.extensionId === 'good.fetcher',
    )!.history;
    expect(history.at(-1)!.netBytes).toBeGreaterThanOrEqual(10 * BODY.length);
  });
});
