// A hostile extension against the net gateway through a real sandbox process: a DNS name it
// controls must never reach loopback, LAN, CGNAT, metadata or unique-local addresses (in any IPv6
// spelling), on the first hop or after a redirect; only a pattern naming the address literal or
// localhost, or an admin policy (network.allowLocal), opens them. And a stacked-coding bomb ends
// as E2BIG. Test host names exist only in the injected resolver; every server is on 127.0.0.1.
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultServices } from '../../electron/core';
import type { ResolvedAddress } from '../../electron/core/gateways/net/net-gateway';
import { PolicySchema } from '../../electron/core/permissions/policy';
import { tempDir } from '../helpers/sandbox';
import { jsonValue, useSecuritySuite } from './harness';

const SECRET = 'LOCAL-SERVICE-BODY';
const BOMB = zlib.gzipSync(zlib.gzipSync(Buffer.alloc(256 * 1024 * 1024)), { level: 9 });

/** What each test name resolves to (nothing else resolves). */
const DNS: Record<string, string[]> = {
  'api.example.test': ['127.0.0.1'],
  'v6loop.example.test': ['::1'],
  'mapped.example.test': ['::ffff:127.0.0.1'],
  'mappedhex.example.test': ['::ffff:7f00:1'],
  'nat64.example.test': ['64:ff9b::7f00:1'],
  'sixtofour.example.test': ['2002:7f00:1::1'],
  'compat.example.test': ['::127.0.0.1'],
  'any.example.test': ['0.0.0.0'],
  'lan.example.test': ['192.168.1.1'],
  'ten.example.test': ['10.0.0.1'],
  'cgnat.example.test': ['100.64.0.1'],
  'metadata.example.test': ['169.254.169.254'],
  'linklocal.example.test': ['169.254.10.1'],
  'ula.example.test': ['fd00::1'],
  'v6meta.example.test': ['fd00:ec2::254'],
  'mixed.example.test': ['127.0.0.1', '93.184.216.34'],
  'rebind.example.test': ['127.0.0.1'],
  localhost: ['127.0.0.1'],
  'intranet.example.test': ['127.0.0.1'],
};
const queried: string[] = [];
async function resolve(hostname: string): Promise<ResolvedAddress[]> {
  queried.push(hostname);
  const list = DNS[hostname];
  if (!list) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
}

let server: http.Server;
const sockets = new Set<net.Socket>();
let port = 0;
const hits: string[] = [];
const dataDir = tempDir('warden-data-');
const policy = PolicySchema.parse({
  version: 1,
  allow: [{ capability: 'net' }],
  network: { allowLocal: ['test.intranet-*'] },
});

const suite = useSecuritySuite({
  dataDir,
  services: createDefaultServices(dataDir, { policy, netResolve: resolve }),
});

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.headers.host} ${req.url}`);
    if (req.url === '/hop') {
      res.writeHead(302, { location: `http://rebind.example.test:${port}/after-redirect` });
      res.end();
    } else if (req.url === '/bomb') {
      res.writeHead(200, { 'content-encoding': 'gzip, gzip', 'content-length': BOMB.length });
      res.end(BOMB);
    } else res.end(SECRET);
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const FETCHER = `
exports.activate = () => {
  host.commands.register('run', async ({ urls }) => {
    const out = {};
    for (const u of urls) {
      try {
        const r = await host.net.fetch(u, { timeoutMs: 5000 });
        out[u] = 'ok ' + r.status + ' ' + r.text().slice(0, 100);
      } catch (e) {
        out[u] = 'threw ' + e.code + (e.reason ? '/' + e.reason : '') + ': ' + e.message;
      }
    }
    return { type: 'json', value: out };
  });
};`;

/** Runs the fetcher extension with exact patterns for every URL's origin; returns url → outcome. */
async function fetchAll(urls: string[], id?: string, patterns?: string[]): Promise<Record<string, string>> {
  const net = patterns ?? [...new Set(urls.map((u) => `${new URL(u).origin}/**`))];
  const outcome = await suite.attempt({ id, source: FETCHER, manifest: { permissions: { net } }, args: { urls } });
  expect(outcome.error, JSON.stringify(outcome.error)).toBeUndefined();
  return jsonValue<Record<string, string>>(outcome);
}

const at = (host: string, p = '/') => `http://${host}:${port}${p}`;

describe('non-public addresses behind a DNS name', () => {
  it('an exact pattern for a name does not reach loopback in any spelling', async () => {
    const names = [
      'api.example.test',
      'v6loop.example.test',
      'mapped.example.test',
      'mappedhex.example.test',
      'nat64.example.test',
      'sixtofour.example.test',
      'compat.example.test',
      'any.example.test',
      'mixed.example.test',
    ];
    hits.length = 0;
    const out = await fetchAll(names.map((n) => at(n)));
    for (const n of names) expect(out[at(n)], n).toMatch(/^threw EPERM\/denied: /);
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(hits, 'the local service was never contacted').toEqual([]);
    for (const text of Object.values(out)) expect(text).not.toMatch(/127\.0\.0\.1|::1|7f00/);
  });

  it('nor LAN, CGNAT, link-local, metadata or unique-local addresses', async () => {
    const names = [
      'lan.example.test',
      'ten.example.test',
      'cgnat.example.test',
      'metadata.example.test',
      'linklocal.example.test',
      'ula.example.test',
      'v6meta.example.test',
    ];
    const out = await fetchAll(names.map((n) => at(n)));
    for (const n of names) expect(out[at(n)], n).toMatch(/^threw EPERM\/denied: /);
  });

  it('a redirect hop to a declared name that resolves to loopback is refused', async () => {
    hits.length = 0;
    const out = await fetchAll([at('127.0.0.1', '/hop')], undefined, [
      `http://127.0.0.1:${port}/**`,
      `http://rebind.example.test:${port}/**`,
    ]);
    expect(out[at('127.0.0.1', '/hop')]).toMatch(/^threw EPERM\/denied: /);
    expect(hits).toEqual([`127.0.0.1:${port} /hop`]);
  });

  it('a pattern naming the literal or localhost reaches the local service (and localhost only loopback)', async () => {
    const out = await fetchAll([at('127.0.0.1'), at('localhost')]);
    expect(out[at('127.0.0.1')]).toBe(`ok 200 ${SECRET}`);
    expect(out[at('localhost')]).toBe(`ok 200 ${SECRET}`);
    DNS.localhost = ['192.168.1.1'];
    try {
      const lan = await fetchAll([at('localhost')]);
      expect(lan[at('localhost')]).toMatch(/^threw EPERM\/denied: /);
    } finally {
      DNS.localhost = ['127.0.0.1'];
    }
  });

  it('an admin policy (network.allowLocal) opens the local network to the extensions it names only', async () => {
    const url = at('intranet.example.test');
    const allowed = await fetchAll([url], 'test.intranet-tool');
    expect(allowed[url]).toBe(`ok 200 ${SECRET}`);
    const other = await fetchAll([url], 'test.other-tool');
    expect(other[url]).toMatch(/^threw EPERM\/denied: /);
  });
});

describe('response bombs', () => {
  it('a `Content-Encoding: gzip, gzip` bomb fails with E2BIG, like a single one', async () => {
    const out = await fetchAll([at('127.0.0.1', '/bomb')]);
    expect(out[at('127.0.0.1', '/bomb')]).toMatch(/^threw E2BIG: /);
  });
});
