/**
 * The net gateway against real HTTP servers on 127.0.0.1 started here. Test host names
 * (`api.example.test`, …) exist only in the injected resolver, so a request that reaches a server
 * proves the connection used the address the gateway checked, not a fresh DNS answer.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WardenError } from '../../electron/common/errors';
import {
  createNetGateway,
  type NetGatewayOptions,
  type ResolvedAddress,
} from '../../electron/core/gateways/net/net-gateway';
import { compileNetPattern, matchNetPattern, patternNamesHost } from '../../electron/core/gateways/net/url-policy';
import type { PermissionRequest } from '../../electron/core/permissions/types';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawHeaderNames: string[];
  body: Buffer;
}

interface TestServer {
  port: number;
  seen: Seen[];
  server: http.Server;
  sockets: Set<net.Socket>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

const servers: TestServer[] = [];

function track(server: http.Server, handler: Handler, host = '127.0.0.1', port = 0): Promise<TestServer> {
  const seen: Seen[] = [];
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const rawHeaderNames = req.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaderNames, body });
      handler(req, res, body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const port = (server.address() as net.AddressInfo).port;
      const t = { port, seen, server, sockets };
      servers.push(t);
      resolve(t);
    });
  });
}

const startServer = (handler: Handler) => track(http.createServer(), handler);

/** A local port with nothing listening on it. */
async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    for (const sock of s.sockets) sock.destroy();
    await new Promise<void>((r) => s.server.close(() => r()));
  }
});

/**
 * Safety net: this suite must never connect anywhere but this machine. Every outgoing socket is
 * checked (its literal host, or what its lookup answers) before it connects.
 */
const escapes: string[] = [];
const originalSocketConnect = net.Socket.prototype.connect;
beforeAll(() => {
  net.Socket.prototype.connect = function guarded(this: net.Socket, ...args: unknown[]) {
    const first = args[0];
    const options = (Array.isArray(first) ? first[0] : first) as { host?: string; lookup?: net.LookupFunction };
    const loopback = (a: string) => /^127\./.test(a) || a === '::1' || a === 'localhost';
    const check = (targets: string[]) => {
      const bad = targets.filter((t) => !loopback(t));
      if (bad.length > 0) {
        escapes.push(...bad);
        throw new Error(`test tried to connect off this machine: ${bad.join(', ')}`);
      }
    };
    if (options && typeof options === 'object' && typeof options.host === 'string') {
      if (net.isIP(options.host) || !options.lookup) check([options.host]);
      else {
        let answers: string[] = [];
        options.lookup(options.host, { all: true }, (_err, addresses) => {
          answers = Array.isArray(addresses) ? addresses.map((a) => a.address) : [String(addresses)];
        });
        check(answers);
      }
    }
    return (originalSocketConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
});
afterAll(() => {
  net.Socket.prototype.connect = originalSocketConnect;
  expect(escapes).toEqual([]);
});

/** Resolver for test names: everything under `.example.test` is this machine unless listed. */
function resolverFor(map: Record<string, string[]> = {}) {
  const calls: string[] = [];
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname);
    const list = map[hostname] ?? (hostname.endsWith('.example.test') ? ['127.0.0.1'] : undefined);
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, calls };
}

/**
 * A gateway whose broker allows exactly `patterns` (as a manifest would) and whose allowPrivate
 * is the rule in docs/security.md: a declared pattern names the host explicitly.
 */
function gatewayFor(patterns: string[], options: Partial<NetGatewayOptions> & { map?: Record<string, string[]> } = {}) {
  const { map, ...extra } = options;
  const compiled = patterns.map(compileNetPattern);
  const asked: PermissionRequest[] = [];
  const { resolve, calls } = resolverFor(map);
  const gateway = createNetGateway({
    authorize: async (request) => {
      asked.push(request);
      const url = new URL(request.target);
      return compiled.some((p) => matchNetPattern(p, url))
        ? { allow: true, via: 'grant' }
        : { allow: false, reason: 'undeclared', via: 'manifest' };
    },
    allowPrivate: (url) => compiled.some((p) => patternNamesHost(p, url)),
    resolve,
    ...extra,
  });
  return { gateway, asked, resolveCalls: calls };
}

/** A gateway that authorizes everything, so only the address check stands in the way. */
function openGateway(
  allowPrivate = false,
  options: Partial<NetGatewayOptions> & { map?: Record<string, string[]> } = {},
) {
  const { map, ...extra } = options;
  const asked: PermissionRequest[] = [];
  const { resolve, calls } = resolverFor(map);
  const gateway = createNetGateway({
    authorize: async (request) => {
      asked.push(request);
      return { allow: true, via: 'policy' };
    },
    allowPrivate: () => allowPrivate,
    resolve,
    ...extra,
  });
  return { gateway, asked, resolveCalls: calls };
}

async function failure(p: Promise<unknown>): Promise<WardenError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WardenError);
  return err as WardenError;
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

describe('net gateway: round trips', () => {
  it('performs an allowed GET: status, status text, headers, binary body, final URL', async () => {
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const s = await startServer((_req, res) => {
      res.statusMessage = 'Made It';
      res.setHeader('x-answer', '42');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('content-type', 'application/octet-stream');
      res.writeHead(201);
      res.end(binary);
    });
    const { gateway, asked } = gatewayFor([`http://api.example.test:${s.port}/**`]);
    const res = await gateway.fetch(`http://API.example.test:${s.port}/a/../items?x=1#frag`, {
      headers: { 'X-Custom': 'yes', Accept: 'application/json' },
    });
    expect(res.status).toBe(201);
    expect(res.statusText).toBe('Made It');
    expect(res.url).toBe(`http://api.example.test:${s.port}/items?x=1`);
    expect(res.headers['x-answer']).toBe('42');
    expect(res.headers['set-cookie']).toBe('a=1, b=2');
    expect(res.body).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(res.body).equals(binary)).toBe(true);
    const url = `http://api.example.test:${s.port}/items?x=1`;
    expect(asked).toEqual([{ capability: 'net', target: url, display: url }]);
    expect(s.seen).toHaveLength(1);
    expect(s.seen[0]).toMatchObject({ method: 'GET', url: '/items?x=1' });
    expect(s.seen[0]!.headers).toMatchObject({
      host: `api.example.test:${s.port}`,
      'x-custom': 'yes',
      accept: 'application/json',
    });
  });

  it('performs a POST with a binary body and a string body', async () => {
    const s = await startServer((req, res, body) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, length: body.length, type: req.headers['content-type'] ?? null }));
    });
    const { gateway } = gatewayFor([`http://api.example.test:${s.port}/**`]);
    const bytes = new Uint8Array([0, 1, 2, 255, 254]);
    const a = await gateway.fetch(`http://api.example.test:${s.port}/upload`, {
      method: 'post',
      body: bytes,
      headers: [['Content-Type', 'application/octet-stream']],
    });
    expect(JSON.parse(text(a.body))).toEqual({ method: 'POST', length: 5, type: 'application/octet-stream' });
    expect(s.seen[0]!.body.equals(Buffer.from(bytes))).toBe(true);
    expect(s.seen[0]!.headers['content-length']).toBe('5');

    const b = await gateway.fetch(`http://api.example.test:${s.port}/text`, { method: 'PUT', body: 'héllo' });
    expect(JSON.parse(text(b.body))).toEqual({ method: 'PUT', length: 6, type: 'text/plain;charset=UTF-8' });
    expect(s.seen[1]!.body.toString('utf8')).toBe('héllo');
  });

  it('HEAD and 204 responses have empty bodies', async () => {
    const s = await startServer((req, res) => {
      if (req.url === '/empty') {
        res.writeHead(204);
        res.end();
        return;
      }
      res.setHeader('content-length', '100');
      res.end(req.method === 'HEAD' ? undefined : 'x'.repeat(100));
    });
    const { gateway } = gatewayFor([`http://api.example.test:${s.port}/**`]);
    const head = await gateway.fetch(`http://api.example.test:${s.port}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('100');
    expect(head.body.byteLength).toBe(0);
    const empty = await gateway.fetch(`http://api.example.test:${s.port}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body.byteLength).toBe(0);
  });

  it('refuses bad init values before any network activity', async () => {
    const { gateway, asked } = openGateway(true);
    const url = 'http://api.example.test:1/';
    expect((await failure(gateway.fetch(url, { method: 'GET', body: 'x' }))).code).toBe('EINVAL');
    expect((await failure(gateway.fetch(url, { method: 'CONNECT' }))).code).toBe('EINVAL');
    expect((await failure(gateway.fetch(url, { method: 'GE T' }))).code).toBe('EINVAL');
    expect((await failure(gateway.fetch(url, { headers: { 'x-a': 'one\r\ntwo: 2' } }))).code).toBe('EINVAL');
    expect((await failure(gateway.fetch(url, { headers: { 'bad name': 'x' } }))).code).toBe('EINVAL');
    expect((await failure(gateway.fetch(url, { timeoutMs: -1 }))).code).toBe('EINVAL');
    expect((await failure(gateway.fetch(url, { body: 42 } as never))).code).toBe('EINVAL');
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`x-h${i}`, 'v']));
    expect((await failure(gateway.fetch(url, { headers: many }))).code).toBe('E2BIG');
    const small = createNetGateway({
      authorize: async () => ({ allow: true, via: 'policy' }),
      allowPrivate: () => true,
      limits: { maxRequestBytes: 10 },
    });
    expect((await failure(small.fetch(url, { method: 'POST', body: 'x'.repeat(11) }))).code).toBe('E2BIG');
    expect(asked).toEqual([]);
  });
});

describe('net gateway: URL tricks', () => {
  it.each([
    ['hex', (p: number) => `http://0x7f.1:${p}/`],
    ['decimal', (p: number) => `http://2130706433:${p}/`],
    ['octal', (p: number) => `http://017700000001:${p}/`],
    ['short', (p: number) => `http://127.1:${p}/`],
    ['IPv4-mapped IPv6', (p: number) => `http://[::ffff:127.0.0.1]:${p}/`],
    ['IPv4-compatible IPv6', (p: number) => `http://[::127.0.0.1]:${p}/`],
    ['IPv6 loopback', (p: number) => `http://[::1]:${p}/`],
    ['long IPv6 loopback', (p: number) => `http://[0:0:0:0:0:0:0:1]:${p}/`],
    ['NAT64', (p: number) => `http://[64:ff9b::7f00:1]:${p}/`],
    ['fullwidth digits and ideographic full stops', (p: number) => `http://１２７。０。０。１:${p}/`],
    ['trailing dot', (p: number) => `http://127.0.0.1.:${p}/`],
    ['zero', (p: number) => `http://0:${p}/`],
    ['localhost by name', (p: number) => `http://localhost.:${p}/`],
  ])('refuses loopback spelled as %s when no pattern names it', async (_name, spell) => {
    const s = await startServer((_req, res) => res.end('secret'));
    const { gateway } = openGateway(false, { map: { localhost: ['127.0.0.1', '::1'] } });
    const err = await failure(gateway.fetch(spell(s.port)));
    expect(err.code).toBe('EPERM');
    expect(err.reason).toBe('denied');
    expect(err.message).toMatch(/loopback|unspecified/);
    expect(s.seen).toHaveLength(0);
  });

  it('reaches loopback when allowPrivate says a pattern names the host', async () => {
    const s = await startServer((_req, res) => res.end('local'));
    const { gateway, asked } = openGateway(true);
    const res = await gateway.fetch(`http://0x7f.1:${s.port}/x`);
    expect(text(res.body)).toBe('local');
    expect(asked[0]!.target).toBe(`http://127.0.0.1:${s.port}/x`);
  });

  it('reaches an IPv6 loopback literal when allowed', async (ctx) => {
    const s = await track(http.createServer(), (_req, res) => res.end('v6'), '::1').catch(() => undefined);
    if (!s) return ctx.skip(); // no IPv6 loopback on this machine
    const { gateway, asked } = openGateway(true);
    const res = await gateway.fetch(`http://[0:0:0:0:0:0:0:1]:${s.port}/`);
    expect(text(res.body)).toBe('v6');
    expect(asked[0]!.target).toBe(`http://[::1]:${s.port}/`);
    expect(s.seen[0]!.headers.host).toBe(`[::1]:${s.port}`);
  });

  it('refuses userinfo (allowed.com@evil.com) with EINVAL before asking', async () => {
    const { gateway, asked } = gatewayFor(['http://allowed.com/**']);
    for (const url of ['http://allowed.com@evil.com/', 'http://allowed.com:80@evil.com/', 'http://u:p@allowed.com/']) {
      const err = await failure(gateway.fetch(url));
      expect(err.code).toBe('EINVAL');
    }
    expect(asked).toEqual([]);
  });

  it('authorizes what the HTTP client will use: backslashes, trailing dots, IDN homographs', async () => {
    const { gateway, asked } = gatewayFor(['http://allowed.com/**', 'http://apple.com/**', 'http://example.com/**'], {
      map: { 'allowed.com': ['127.0.0.1'], 'example.com': ['10.1.2.3'] },
      allowPrivate: () => false,
    });
    const back = await failure(gateway.fetch('http:\\\\evil.com\\'));
    expect(back.code).toBe('EPERM');
    expect(back.reason).toBe('undeclared');
    expect(asked.at(-1)!.target).toBe('http://evil.com/');

    const homograph = await failure(gateway.fetch('http://аpple.com/')); // Cyrillic а
    expect(homograph.code).toBe('EPERM');
    expect(homograph.reason).toBe('undeclared');
    expect(asked.at(-1)!.target).toBe('http://xn--pple-43d.com/');

    // A trailing dot names the same host: authorized as example.com, then the address check
    // refuses its (here private) address since allowPrivate is false in this gateway.
    const dotted = await failure(gateway.fetch('http://example.com./'));
    expect(asked.at(-1)!.target).toBe('http://example.com/');
    expect(dotted.code).toBe('EPERM');
    expect(dotted.reason).toBe('denied');
    expect(dotted.message).toMatch(/private/);
    expect(dotted.message).not.toContain('10.1.2.3');
  });

  it('refuses non-http schemes', async () => {
    const { gateway } = openGateway(true);
    for (const url of ['file:///etc/passwd', 'ftp://example.com/', 'data:,x', 'ws://example.com/']) {
      expect((await failure(gateway.fetch(url))).code).toBe('EINVAL');
    }
  });
});

describe('net gateway: resolved addresses', () => {
  it.each([
    ['10.0.0.7', /private/],
    ['169.254.169.254', /metadata/],
    ['100.100.100.200', /metadata/],
    ['::1', /loopback/],
    ['fd00:ec2::254', /metadata/],
    ['::ffff:7f00:1', /loopback/],
    ['fe80::1', /link-local/],
    ['0.0.0.0', /unspecified/],
  ])('refuses a name resolving to %s without naming the address', async (address, kind) => {
    const { gateway } = openGateway(false, { map: { 'inside.example.test': [address] } });
    const err = await failure(gateway.fetch('https://inside.example.test/'));
    expect(err.code).toBe('EPERM');
    expect(err.reason).toBe('denied');
    expect(err.message).toMatch(kind);
    expect(err.message).toContain('inside.example.test');
    expect(err.message).not.toContain(address);
  });

  it('checks every answer: one private address among public ones refuses the request', async () => {
    const { gateway } = openGateway(false, { map: { 'mixed.example.test': ['93.184.216.34', '127.0.0.1'] } });
    const err = await failure(gateway.fetch('http://mixed.example.test/'));
    expect(err.code).toBe('EPERM');
  });

  it('a name the resolver cannot resolve is ENET without details', async () => {
    const { gateway } = openGateway(true);
    const err = await failure(gateway.fetch('http://nowhere.invalid/'));
    expect(err.code).toBe('ENET');
    expect(err.message).toBe('net: could not resolve nowhere.invalid');
  });

  it('connection errors are ENET and never show the resolved address', async () => {
    const port = await freePort();
    const { gateway } = openGateway(true);
    const err = await failure(gateway.fetch(`http://down.example.test:${port}/`));
    expect(err.code).toBe('ENET');
    expect(err.message).toBe('net: request to down.example.test failed (connection refused)');
    expect(err.message).not.toContain('127.0.0.1');
    expect(JSON.stringify(err.toData())).not.toMatch(/127\.0\.0\.1|node_modules|undici/);
  });
});

describe('net gateway: DNS rebinding', () => {
  it('connects only to the public address it checked, never to a later loopback answer', async () => {
    const s = await startServer((_req, res) => res.end('should never be reached'));
    const closedPort = await freePort();
    let n = 0;
    const resolve = async (): Promise<ResolvedAddress[]> => {
      n++;
      // First answer public (passes the check), every later answer loopback.
      return n === 1 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
    };
    // Nothing may leave this machine: record each connection attempt, ask its lookup where it
    // would go, and send it to a closed local port instead.
    const attempts: Array<{ host: string; port: number; answers: unknown }> = [];
    const original = net.connect;
    const spy = vi.spyOn(net, 'connect').mockImplementation(((options: net.TcpNetConnectOpts) => {
      let answers: unknown;
      options.lookup?.(options.host ?? '', { all: true }, (_err, addresses) => (answers = addresses));
      attempts.push({ host: options.host ?? '', port: Number(options.port), answers });
      return original({ host: '127.0.0.1', port: closedPort });
    }) as unknown as typeof net.connect);
    try {
      const gateway = createNetGateway({
        authorize: async () => ({ allow: true, via: 'policy' }),
        allowPrivate: () => false,
        resolve,
      });
      const err = await failure(gateway.fetch(`http://rebind.example.test:${s.port}/`, { timeoutMs: 2000 }));
      expect(err.code).toBe('ENET');
      expect(err.message).not.toContain('93.184.216.34');
    } finally {
      spy.mockRestore();
    }
    expect(n).toBe(1);
    expect(attempts.length).toBeGreaterThan(0);
    for (const a of attempts) {
      expect(a).toEqual({
        host: 'rebind.example.test',
        port: s.port,
        answers: [{ address: '93.184.216.34', family: 4 }],
      });
    }
    expect(s.seen).toHaveLength(0);
  });

  it('a second, different answer is never used: the request lands on the first checked address', async () => {
    const first = await startServer((_req, res) => res.end('first'));
    // Same port on another loopback address: where a fresh lookup would send the request.
    const second = await track(http.createServer(), (_req, res) => res.end('second'), '127.0.0.2', first.port);
    let n = 0;
    const gateway = createNetGateway({
      authorize: async () => ({ allow: true, via: 'grant' }),
      allowPrivate: (url) => url.hostname === 'flip.example.test',
      resolve: async () => [{ address: n++ === 0 ? '127.0.0.1' : '127.0.0.2', family: 4 }],
    });
    const res = await gateway.fetch(`http://flip.example.test:${first.port}/`);
    expect(text(res.body)).toBe('first');
    expect(n).toBe(1);
    expect(first.seen).toHaveLength(1);
    expect(second.seen).toHaveLength(0);
  });

  it('a name unknown to the system resolver works when the injected resolver checked it (pinning)', async () => {
    const s = await startServer((_req, res) => res.end('pinned'));
    const { gateway } = gatewayFor([`http://only-here.example.test:${s.port}/**`]);
    const res = await gateway.fetch(`http://only-here.example.test:${s.port}/`);
    expect(text(res.body)).toBe('pinned');
    expect(s.seen[0]!.headers.host).toBe(`only-here.example.test:${s.port}`);
  });
});

describe('net gateway: redirects', () => {
  async function redirector() {
    const s = await startServer((req, res, body) => {
      const u = new URL(req.url ?? '/', 'http://x');
      const to = u.searchParams.get('to');
      const status = Number(u.searchParams.get('status') ?? 302);
      if (u.pathname === '/redirect' && to) {
        res.writeHead(status, { location: to });
        res.end();
      } else if (u.pathname === '/loop') {
        res.writeHead(302, { location: '/loop' });
        res.end();
      } else {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            method: req.method,
            path: u.pathname,
            body: body.toString('utf8'),
            authorization: req.headers.authorization ?? null,
            cookie: req.headers.cookie ?? null,
            contentType: req.headers['content-type'] ?? null,
          }),
        );
      }
    });
    return s;
  }

  it('follows an allowed redirect, re-authorizing the new hop', async () => {
    const s = await redirector();
    const base = `http://api.example.test:${s.port}`;
    const other = `http://cdn.example.test:${s.port}`;
    const { gateway, asked, resolveCalls } = gatewayFor([`${base}/**`, `${other}/**`]);
    const res = await gateway.fetch(`${base}/redirect?to=${encodeURIComponent(`${other}/final`)}`);
    expect(res.url).toBe(`${other}/final`);
    expect(JSON.parse(text(res.body))).toMatchObject({ method: 'GET', path: '/final' });
    expect(asked.map((a) => a.target)).toEqual([
      `${base}/redirect?to=${encodeURIComponent(`${other}/final`)}`,
      `${other}/final`,
    ]);
    expect(resolveCalls).toEqual(['api.example.test', 'cdn.example.test']);
  });

  it('refuses a redirect from an allowed host to an undeclared one', async () => {
    const s = await redirector();
    const base = `http://api.example.test:${s.port}`;
    const { gateway } = gatewayFor([`${base}/**`]);
    const err = await failure(
      gateway.fetch(`${base}/redirect?to=${encodeURIComponent(`http://evil.example.test:${s.port}/steal`)}`),
    );
    expect(err.code).toBe('EPERM');
    expect(err.reason).toBe('undeclared');
    expect(err.message).toMatch(/redirect/);
    expect(s.seen.map((r) => r.url.split('?')[0])).toEqual(['/redirect']);
  });

  it('refuses a redirect to loopback even when the broker would allow the URL', async () => {
    const s = await redirector();
    // The broker allows every URL; the first hop is on loopback too (it is our server), so only
    // api.example.test may reach a private address.
    const gw = createNetGateway({
      authorize: async () => ({ allow: true, via: 'policy' }),
      allowPrivate: (url) => url.hostname === 'api.example.test',
      resolve: resolverFor().resolve,
    });
    for (const to of [
      `http://127.0.0.1:${s.port}/secret`,
      `http://0x7f.1:${s.port}/secret`,
      `http://[::ffff:127.0.0.1]:${s.port}/secret`,
      `http://inside.example.test:${s.port}/secret`,
    ]) {
      const err = await failure(gw.fetch(`http://api.example.test:${s.port}/redirect?to=${encodeURIComponent(to)}`));
      expect(err.code).toBe('EPERM');
      expect(err.reason).toBe('denied');
      expect(err.message).toMatch(/loopback/);
    }
    expect(s.seen.filter((r) => r.url.startsWith('/secret'))).toHaveLength(0);
  });

  it('stops a redirect loop after maxRedirects hops', async () => {
    const s = await redirector();
    const base = `http://api.example.test:${s.port}`;
    const { gateway } = gatewayFor([`${base}/**`]);
    const err = await failure(gateway.fetch(`${base}/loop`));
    expect(err.code).toBe('ENET');
    expect(err.message).toMatch(/too many redirects/);
    expect(s.seen).toHaveLength(6); // the request and 5 redirects followed

    const strict = gatewayFor([`${base}/**`], { limits: { maxRedirects: 1 } }).gateway;
    expect((await failure(strict.fetch(`${base}/loop`))).code).toBe('ENET');
  });

  it('rewrites methods as browsers do and drops credentials across origins', async () => {
    const s = await redirector();
    const base = `http://api.example.test:${s.port}`;
    const other = `http://cdn.example.test:${s.port}`;
    const { gateway } = gatewayFor([`${base}/**`, `${other}/**`]);
    const post = (status: number, to: string) =>
      gateway
        .fetch(`${base}/redirect?status=${status}&to=${encodeURIComponent(to)}`, {
          method: 'POST',
          body: 'payload',
          headers: { authorization: 'Bearer ext-token', cookie: 'ext=1', 'content-type': 'text/x-demo' },
        })
        .then((r) => JSON.parse(text(r.body)) as Record<string, unknown>);

    expect(await post(303, '/final')).toMatchObject({ method: 'GET', body: '', contentType: null });
    expect(await post(302, '/final')).toMatchObject({ method: 'GET', body: '' });
    expect(await post(301, '/final')).toMatchObject({ method: 'GET', body: '' });
    expect(await post(307, '/final')).toMatchObject({
      method: 'POST',
      body: 'payload',
      contentType: 'text/x-demo',
      authorization: 'Bearer ext-token',
      cookie: 'ext=1',
    });
    expect(await post(308, `${other}/final`)).toMatchObject({
      method: 'POST',
      body: 'payload',
      authorization: null,
      cookie: null,
    });
  });

  it('refuses an https → http downgrade and non-http redirect targets', async () => {
    const s = await redirector();
    const base = `http://api.example.test:${s.port}`;
    const { gateway } = gatewayFor([`${base}/**`]);
    const err = await failure(gateway.fetch(`${base}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`));
    expect(err.code).toBe('EINVAL');
    const userinfo = await failure(
      gateway.fetch(`${base}/redirect?to=${encodeURIComponent(`http://api.example.test@evil.example.test/`)}`),
    );
    expect(userinfo.code).toBe('EINVAL');
  });
});

describe('net gateway: response limits', () => {
  it('a response that never ends fails with E2BIG and the connection is dropped', async () => {
    let written = 0;
    let closed!: () => void;
    const serverClosed = new Promise<void>((r) => (closed = r));
    const s = await startServer((_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (!res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      res.on('close', () => closed());
      pump();
    });
    const { gateway } = gatewayFor([`http://api.example.test:${s.port}/**`]);
    const before = process.memoryUsage();
    const started = performance.now();
    const err = await failure(gateway.fetch(`http://api.example.test:${s.port}/stream`));
    expect(err.code).toBe('E2BIG');
    expect(err.message).toMatch(/10485760/);
    await serverClosed;
    expect(performance.now() - started).toBeLessThan(10_000);
    // Bounded: the server could only push the cap plus socket buffers before being cut off.
    expect(written).toBeLessThan(10 * 1024 * 1024 + 16 * 1024 * 1024);
    expect(process.memoryUsage().arrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
  });

  it('a small gzip body that inflates to 1 GiB fails quickly with E2BIG', async () => {
    const member = zlib.gzipSync(Buffer.alloc(1024 * 1024)); // ~1 KiB each
    const bomb = Buffer.concat(Array.from({ length: 1024 }, () => member)); // 1 GiB of zeros, ~1 MiB
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    let closed!: () => void;
    const serverClosed = new Promise<void>((r) => (closed = r));
    const s = await startServer((_req, res) => {
      res.on('close', () => closed());
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/octet-stream' });
      res.end(bomb);
    });
    const { gateway } = gatewayFor([`http://api.example.test:${s.port}/**`]);
    const before = process.memoryUsage();
    const started = performance.now();
    const err = await failure(gateway.fetch(`http://api.example.test:${s.port}/bomb`));
    expect(err.code).toBe('E2BIG');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(process.memoryUsage().arrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
    await serverClosed;
  });

  it('brotli and deflate bombs fail the same way', async () => {
    const zeros = Buffer.alloc(1024 * 1024);
    const compress = (stream: zlib.BrotliCompress | zlib.Deflate, mib: number) =>
      new Promise<Buffer>((resolve) => {
        const out: Buffer[] = [];
        stream.on('data', (c: Buffer) => out.push(c));
        stream.on('end', () => resolve(Buffer.concat(out)));
        for (let i = 0; i < mib; i++) stream.write(zeros);
        stream.end();
      });
    const br = await compress(zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }), 256);
    const deflate = await compress(zlib.createDeflate(), 64);
    const s = await startServer((req, res) => {
      const brotli = req.url === '/br';
      res.writeHead(200, { 'content-encoding': brotli ? 'br' : 'deflate' });
      res.end(brotli ? br : deflate);
    });
    const { gateway } = gatewayFor([`http://api.example.test:${s.port}/**`]);
    for (const p of ['/br', '/deflate']) {
      const started = performance.now();
      const err = await failure(gateway.fetch(`http://api.example.test:${s.port}${p}`));
      expect(err.code).toBe('E2BIG');
      expect(performance.now() - started).toBeLessThan(5_000);
    }
  });

  it('decodes gzip, deflate (zlib and raw), brotli and stacked codings; passes unknown ones through', async () => {
    const plain = Buffer.from('hello, decoded world '.repeat(100));
    const bodies: Record<string, [string, Buffer]> = {
      '/gzip': ['gzip', zlib.gzipSync(plain)],
      '/x-gzip': ['x-gzip', zlib.gzipSync(plain)],
      '/deflate': ['deflate', zlib.deflateSync(plain)],
      '/raw-deflate': ['deflate', zlib.deflateRawSync(plain)],
      '/br': ['br', zlib.brotliCompressSync(plain)],
      '/stacked': ['deflate, gzip', zlib.gzipSync(zlib.deflateSync(plain))],
      '/unknown': ['zstd', Buffer.from('opaque')],
      '/corrupt': ['gzip', Buffer.from('not gzip at all')],
    };
    const s = await startServer((req, res) => {
      const [enc, body] = bodies[req.url ?? '']!;
      res.writeHead(200, { 'content-encoding': enc });
      res.end(body);
    });
    const { gateway } = gatewayFor([`http://api.example.test:${s.port}/**`]);
    for (const p of ['/gzip', '/x-gzip', '/deflate', '/raw-deflate', '/br', '/stacked']) {
      const res = await gateway.fetch(`http://api.example.test:${s.port}${p}`);
      expect(Buffer.from(res.body).equals(plain)).toBe(true);
    }
    const unknown = await gateway.fetch(`http://api.example.test:${s.port}/unknown`);
    expect(text(unknown.body)).toBe('opaque');
    const corrupt = await failure(gateway.fetch(`http://api.example.test:${s.port}/corrupt`));
    expect(corrupt.code).toBe('ENET');
    expect(corrupt.message).toMatch(/decoded/);
    expect(s.seen[0]!.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('caps response header count and size', async () => {
    const s = await startServer((req, res) => {
      if (req.url === '/many') for (let i = 0; i < 300; i++) res.setHeader(`x-h${i}`, 'v');
      else res.setHeader('x-big', 'v'.repeat(100 * 1024));
      res.end('ok');
    });
    const { gateway } = gatewayFor([`http://api.example.test:${s.port}/**`]);
    const many = await failure(gateway.fetch(`http://api.example.test:${s.port}/many`));
    expect(many.code).toBe('E2BIG');
    const big = await failure(gateway.fetch(`http://api.example.test:${s.port}/big`));
    expect(big.code).toBe('E2BIG');
  });

  it('a smaller maxResponseBytes applies to plain bodies', async () => {
    const s = await startServer((_req, res) => res.end(Buffer.alloc(2000)));
    const { gateway } = gatewayFor([`http://api.example.test:${s.port}/**`], { limits: { maxResponseBytes: 1000 } });
    expect((await failure(gateway.fetch(`http://api.example.test:${s.port}/`))).code).toBe('E2BIG');
    const ok = gatewayFor([`http://api.example.test:${s.port}/**`], { limits: { maxResponseBytes: 2000 } }).gateway;
    expect((await ok.fetch(`http://api.example.test:${s.port}/`)).body.byteLength).toBe(2000);
  });
});

describe('net gateway: time', () => {
  it('a server that never answers fails with ETIMEDOUT within timeoutMs', async () => {
    const s = await startServer(() => {});
    const { gateway } = gatewayFor([`http://api.example.test:${s.port}/**`]);
    const started = performance.now();
    const err = await failure(gateway.fetch(`http://api.example.test:${s.port}/`, { timeoutMs: 300 }));
    const elapsed = performance.now() - started;
    expect(err.code).toBe('ETIMEDOUT');
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('a body that drips slowly is bounded by the total time, not per chunk', async () => {
    const s = await startServer((_req, res) => {
      res.writeHead(200);
      const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write('.')), 50);
      res.on('close', () => clearInterval(t));
    });
    const { gateway } = gatewayFor([`http://api.example.test:${s.port}/**`]);
    const started = performance.now();
    const err = await failure(gateway.fetch(`http://api.example.test:${s.port}/`, { timeoutMs: 400 }));
    expect(err.code).toBe('ETIMEDOUT');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('the limit is a maximum: a larger timeoutMs is clamped', async () => {
    const s = await startServer(() => {});
    const { gateway } = gatewayFor([`http://api.example.test:${s.port}/**`], { limits: { timeoutMs: 300 } });
    const started = performance.now();
    const err = await failure(gateway.fetch(`http://api.example.test:${s.port}/`, { timeoutMs: 60_000 }));
    expect(err.code).toBe('ETIMEDOUT');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('time spent waiting for a permission answer does not count', async () => {
    const s = await startServer((_req, res) => res.end('ok'));
    const gateway = createNetGateway({
      authorize: () => new Promise((r) => setTimeout(() => r({ allow: true, via: 'prompt' }), 400)),
      allowPrivate: () => true,
      resolve: resolverFor().resolve,
    });
    const res = await gateway.fetch(`http://api.example.test:${s.port}/`, { timeoutMs: 250 });
    expect(text(res.body)).toBe('ok');
  });

  it('a cancelled call fails with ECANCELED', async () => {
    const s = await startServer(() => {});
    const { gateway } = gatewayFor([`http://api.example.test:${s.port}/**`]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await failure(gateway.fetch(`http://api.example.test:${s.port}/`, {}, { signal: controller.signal }));
    expect(err.code).toBe('ECANCELED');
  });
});

describe('net gateway: what a request carries', () => {
  const saved: Record<string, string | undefined> = {};
  const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'NO_PROXY', 'no_proxy'];
  afterEach(() => {
    for (const k of PROXY_VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('sends only the extension headers (no cookies, credentials or proxy) and ignores proxy env', async () => {
    const proxy = await startServer((_req, res) => res.end('proxied!'));
    for (const k of PROXY_VARS) saved[k] = process.env[k];
    for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy']) {
      process.env[k] = `http://127.0.0.1:${proxy.port}`;
    }
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;

    const s = await startServer((_req, res) => res.end('direct'));
    const { gateway } = gatewayFor([`http://api.example.test:${s.port}/**`]);
    const res = await gateway.fetch(`http://api.example.test:${s.port}/`, {
      headers: {
        Host: 'evil.example.test',
        Connection: 'upgrade',
        'Transfer-Encoding': 'chunked',
        'Content-Length': '999',
        'Proxy-Authorization': 'Basic c2VjcmV0',
        'Accept-Encoding': 'identity',
        Upgrade: 'websocket',
        'X-Mine': 'kept',
      },
    });
    expect(text(res.body)).toBe('direct');
    expect(proxy.seen).toHaveLength(0);
    const seen = s.seen[0]!;
    expect(seen.headers.host).toBe(`api.example.test:${s.port}`);
    expect(seen.headers['x-mine']).toBe('kept');
    expect(seen.headers['accept-encoding']).toBe('gzip, deflate, br');
    for (const h of ['cookie', 'authorization', 'proxy-authorization', 'upgrade', 'transfer-encoding', 'user-agent']) {
      expect(seen.headers[h]).toBeUndefined();
    }
    // Nothing but the extension's headers and what HTTP itself needs.
    expect(new Set(seen.rawHeaderNames)).toEqual(new Set(['host', 'connection', 'x-mine', 'accept-encoding']));
    expect(seen.headers.connection).toBe('keep-alive');
  });

  it('sends cookies and authorization only when the extension sets them', async () => {
    const s = await startServer((_req, res) => res.end());
    const { gateway } = gatewayFor([`http://api.example.test:${s.port}/**`]);
    await gateway.fetch(`http://api.example.test:${s.port}/a`);
    await gateway.fetch(`http://api.example.test:${s.port}/b`, {
      headers: { Authorization: 'Bearer mine', Cookie: 'session=mine' },
    });
    // A Set-Cookie from one response is never replayed: there is no cookie jar.
    await gateway.fetch(`http://api.example.test:${s.port}/c`);
    expect(s.seen[0]!.headers.authorization).toBeUndefined();
    expect(s.seen[0]!.headers.cookie).toBeUndefined();
    expect(s.seen[1]!.headers.authorization).toBe('Bearer mine');
    expect(s.seen[1]!.headers.cookie).toBe('session=mine');
    expect(s.seen[2]!.headers.cookie).toBeUndefined();
  });
});

describe('net gateway: TLS with a pinned address', () => {
  let dir: string | undefined;
  const certs: Record<string, { key: Buffer; cert: Buffer }> = {};

  beforeAll(() => {
    try {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-net-tls-'));
      for (const name of ['api.example.test', 'other.example.test']) {
        const key = path.join(dir, `${name}.key`);
        const cert = path.join(dir, `${name}.crt`);
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'ec',
            '-pkeyopt',
            'ec_paramgen_curve:prime256v1',
            '-nodes',
            '-keyout',
            key,
            '-out',
            cert,
            '-days',
            '2',
            '-subj',
            `/CN=${name}`,
            '-addext',
            `subjectAltName=DNS:${name}`,
          ],
          { stdio: 'ignore' },
        );
        certs[name] = { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
      }
    } catch {
      dir = undefined; // no openssl here: the TLS tests are skipped below
    }
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the certificate for the host name and sends SNI while connecting to the checked address', async (ctx) => {
    if (!dir) ctx.skip();
    const names: string[] = [];
    const server = https.createServer({ ...certs['api.example.test']! });
    server.on('secureConnection', (sock: { servername?: string | false }) => names.push(String(sock.servername)));
    const s = await track(server as unknown as http.Server, (_req, res) => res.end('secure'));
    const ca = [certs['api.example.test']!.cert, certs['other.example.test']!.cert];
    const { gateway } = gatewayFor(
      [`https://api.example.test:${s.port}/**`, `https://other.example.test:${s.port}/**`],
      {
        ca,
      },
    );
    const res = await gateway.fetch(`https://api.example.test:${s.port}/`);
    expect(text(res.body)).toBe('secure');
    expect(names).toEqual(['api.example.test']);

    // The same server reached under another (trusted) name: the certificate does not match.
    const err = await failure(gateway.fetch(`https://other.example.test:${s.port}/`));
    expect(err.code).toBe('ENET');
    expect(err.message).toMatch(/TLS/);
    expect(err.message).not.toContain('127.0.0.1');

    // Without the test CA the certificate is not trusted.
    const untrusted = gatewayFor([`https://api.example.test:${s.port}/**`]).gateway;
    expect((await failure(untrusted.fetch(`https://api.example.test:${s.port}/`))).code).toBe('ENET');
  });

  it('refuses a redirect from https down to http, even to a declared URL', async (ctx) => {
    if (!dir) ctx.skip();
    const plain = await startServer((_req, res) => res.end('plaintext'));
    const server = https.createServer({ ...certs['api.example.test']! });
    const s = await track(server as unknown as http.Server, (req, res) => {
      const to = req.url === '/down' ? `http://api.example.test:${plain.port}/` : '/landed';
      if (req.url === '/landed') return void res.end('still secure');
      res.writeHead(302, { location: to });
      res.end();
    });
    const { gateway } = gatewayFor(
      [`https://api.example.test:${s.port}/**`, `http://api.example.test:${plain.port}/**`],
      { ca: [certs['api.example.test']!.cert] },
    );
    const err = await failure(gateway.fetch(`https://api.example.test:${s.port}/down`));
    expect(err.code).toBe('EPERM');
    expect(err.message).toMatch(/https to http/);
    expect(plain.seen).toHaveLength(0);
    const ok = await gateway.fetch(`https://api.example.test:${s.port}/same`);
    expect(text(ok.body)).toBe('still secure');
    expect(ok.url).toBe(`https://api.example.test:${s.port}/landed`);
  });
});
