// The headless panel's token-for-cookie redirect, against a real `warden serve` process: whatever
// path the token arrives on, the redirect goes to one fixed same-origin path, never to an address
// the requester spelled (`/.//evil.example/x` → `//evil.example/x` is another host).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, tempDir } from '../helpers/sandbox';

let child: ChildProcess;
let port = 0;
let token = '';
const dataDir = tempDir('warden-data-');

beforeAll(async () => {
  child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`warden serve did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        port = Number(m[1]);
        token = m[2]!;
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`warden serve exited (${code}): ${out}`)));
  });
}, 90_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function get(pathAndQuery: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: pathAndQuery, headers: { host: `127.0.0.1:${port}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('token-for-cookie redirect', () => {
  it('goes to the fixed same-origin path whatever path carried the token', async () => {
    const paths = [
      '/.//evil.example/x',
      '//evil.example/x',
      '/%2F%2Fevil.example/x',
      '/\\evil.example/x',
      '/./\\/evil.example',
      '/index.html',
      '/assets/../..//evil.example',
    ];
    for (const p of paths) {
      const r = await get(`${p}?token=${token}`);
      if (r.status !== 302) continue; // refused outright is fine too
      expect(r.location, p).toBe(`/#token=${token}`);
    }
    const plain = await get(`/?token=${token}`);
    expect(plain).toEqual({ status: 302, location: `/#token=${token}` });
  });
});
