// Issue 12 item 1: I/O budgets are enforced on every path and the bytes are counted. Through
// `warden run` and `warden top`, against a loopback HTTP server the test owns:
// - network requests and network bytes per minute (manifest `limits.netRequestsPerMinute`,
//   `limits.netMbPerMinute`), refused with ERATE naming the budget;
// - an admin policy lowers a budget below what the manifest asks (`limits` in the policy file);
// - storage reads and writes (storage.get's reply too) and private files count against
//   `limits.fsMbPerMinute`; the host-call rate is `limits.hostCallsPerSecond`;
// - `warden top` shows the network bytes.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeExtension } from '../helpers/sandbox';

const BODY = Buffer.alloc(64 * 1024, 0x61); // 64 KiB per response

let work: string;
let server: http.Server;
let origin: string;
let requests = 0;

beforeAll(async () => {
  work = tempDir('warden-budgets-');
  server = http.createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length });
    res.end(BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(work, { recursive: true, force: true });
});

/** A command that repeats one host call until it fails, and says how far it got and why. */
const LOOP = `async ({ n, size }) => {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    try { await step(i, size); ok++; }
    catch (e) { return { type: 'json', value: { ok, code: e.code, message: e.message } }; }
  }
  return { type: 'json', value: { ok } };
}`;

function extension(id: string, limits: Record<string, number>, step: string): string {
  return writeExtension(work, {
    id,
    commands: ['loop'],
    manifest: { permissions: { net: [`${origin}/**`] }, limits },
    source: `const step = ${step};
      exports.activate = () => { host.commands.register('loop', ${LOOP}); };`,
  });
}

interface LoopResult {
  ok: number;
  code?: string;
  message?: string;
}

async function runLoop(dir: string, n: number, extra: string[] = [], size = 0): Promise<LoopResult> {
  const r = await runCli([
    'run',
    dir,
    'loop',
    '--json',
    '--args',
    JSON.stringify({ n, size }),
    '--allow',
    `net=${origin}`,
    '--data-dir',
    path.join(work, `data-${Math.random().toString(36).slice(2, 8)}`),
    ...extra,
  ]);
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { ok: boolean; result: { value: LoopResult } };
  return out.result.value;
}

const FETCH = `async () => { await host.net.fetch('${'ORIGIN'}/x'); }`;
const fetchStep = () => FETCH.replace('ORIGIN', origin);

describe('network budgets (warden run)', () => {
  it('limits.netRequestsPerMinute: 20 lets 20 requests through and refuses the 21st with ERATE naming the budget', async () => {
    const dir = extension('bad.requests', { netRequestsPerMinute: 20 }, fetchStep());
    const before = requests;
    const r = await runLoop(dir, 60);
    expect(r).toMatchObject({ ok: 20, code: 'ERATE', message: expect.stringMatching(/netRequestsPerMinute/) });
    expect(requests - before, 'requests that reached the server').toBe(20);
  });

  it('limits.netMbPerMinute: 1 stops 64 KiB responses after about 1 MiB, with ERATE naming the budget', async () => {
    const dir = extension('bad.bytes', { netMbPerMinute: 1 }, fetchStep());
    const r = await runLoop(dir, 60);
    expect(r.code).toBe('ERATE');
    expect(r.message).toMatch(/netMbPerMinute/);
    expect(r.ok).toBeGreaterThanOrEqual(15);
    expect(r.ok).toBeLessThanOrEqual(17);
  });

  it('the default network budget applies when the manifest says nothing, and an admin policy lowers it', async () => {
    const policy = path.join(work, 'policy.json');
    fs.writeFileSync(policy, JSON.stringify({ version: 1, limits: { netRequestsPerMinute: 5 } }));
    const silent = extension('bad.silent', {}, fetchStep());
    expect(await runLoop(silent, 8, ['--policy', policy])).toMatchObject({
      ok: 5,
      code: 'ERATE',
      message: expect.stringMatching(/netRequestsPerMinute/),
    });
    // The manifest asks for more than the policy allows: the policy's ceiling wins.
    const greedy = extension('bad.greedy', { netRequestsPerMinute: 500 }, fetchStep());
    expect(await runLoop(greedy, 8, ['--policy', policy])).toMatchObject({ ok: 5, code: 'ERATE' });
  });
});

describe('file, storage and host-call budgets (warden run)', () => {
  it('storage.get replies count against limits.fsMbPerMinute', async () => {
    // One 256 KiB write, then reads of it: the budget of 1 MiB is spent after about 3 reads.
    const dir = extension(
      'bad.storage',
      { fsMbPerMinute: 1 },
      `async (i, size) => { if (i === 0) await host.storage.set('big', 'x'.repeat(size)); else await host.storage.get('big'); }`,
    );
    const r = await runLoop(dir, 50, [], 256 * 1024);
    expect(r).toMatchObject({ code: 'ERATE', message: expect.stringMatching(/fsMbPerMinute/) });
    expect(r.ok).toBeGreaterThanOrEqual(3);
    expect(r.ok).toBeLessThanOrEqual(5);
  });

  it('private files count against limits.fsMbPerMinute', async () => {
    const dir = extension(
      'bad.files',
      { fsMbPerMinute: 1 },
      `async (i, size) => { await host.fs.writeText('blob-' + i + '.txt', 'x'.repeat(size)); }`,
    );
    const r = await runLoop(dir, 50, [], 256 * 1024);
    expect(r).toMatchObject({ code: 'ERATE', message: expect.stringMatching(/fsMbPerMinute/) });
    expect(r.ok).toBeGreaterThanOrEqual(3);
    expect(r.ok).toBeLessThanOrEqual(4);
  });

  it('limits.hostCallsPerSecond: 20 refuses a burst of host calls with ERATE naming the budget', async () => {
    const dir = extension('bad.calls', { hostCallsPerSecond: 20 }, `async () => { await host.storage.keys(); }`);
    const r = await runLoop(dir, 500);
    expect(r).toMatchObject({ code: 'ERATE', message: expect.stringMatching(/hostCallsPerSecond/) });
    expect(r.ok).toBeGreaterThanOrEqual(20);
    expect(r.ok).toBeLessThan(200);
  });

  it('a budget above the host ceiling is an invalid manifest', async () => {
    const dir = extension('bad.huge', { netRequestsPerMinute: 10_000_000 }, fetchStep());
    const r = await runCli(['run', dir, 'loop', '--data-dir', path.join(work, 'data-huge')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/limits\.netRequestsPerMinute/);
  });
});

describe('warden top shows network bytes', () => {
  it('a command that downloads 10 × 64 KiB shows 640 KiB in the net column', async () => {
    const dir = extension('good.fetcher', {}, fetchStep());
    const r = await runCli([
      'top',
      dir,
      '--run',
      'loop',
      '--args',
      JSON.stringify({ n: 10 }),
      '--allow',
      `net=${origin}`,
      '--duration',
      '4',
      '--data-dir',
      path.join(work, 'data-top'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const screens = r.stdout.trim().split(/\n\n+/);
    const last = screens.filter((s) => s.includes('good.fetcher')).at(-1) ?? '';
    const [header, ...rows] = last.split('\n');
    const columns = header!.split(/\s{2,}/).map((c) => c.trim());
    const netIndex = columns.indexOf('net KiB');
    expect(netIndex, `a "net KiB" column in:\n${header}`).toBeGreaterThan(0);
    const row = rows.find((l) => l.startsWith('good.fetcher'))!.split(/\s{2,}/);
    expect(Number(row[netIndex])).toBe(640);
  });
});
