// host.permissions.query/request must name the same canonical target as the fs and net calls
// they are about: an extension that asks "may I?" and hears "granted" must then be allowed, and
// one told "denied" must be refused. Tricky spellings go through a real `warden run` (a real
// sandboxed process, the CLI's prompter answering from --allow rules) and a loopback server:
// symlinks into and out of the declared folder, `..`, trailing slashes, case, `~user`, URL
// forms (trailing dot, default port, IDN/full-width, IPv6 literal, percent-encoding, userinfo,
// other schemes).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeExtension } from '../helpers/sandbox';

let work: string;
let home: string;
let ext: string;
let server: http.Server;
let port = 0;
const env = () => ({ HOME: home, WARDEN_HOME: path.join(home, '.warden') });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('hi'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  work = fs.realpathSync(tempDir('warden-canonical-'));
  home = path.join(work, 'home');
  fs.mkdirSync(path.join(home, 'docs'), { recursive: true });
  fs.mkdirSync(path.join(home, 'outside'), { recursive: true });
  fs.writeFileSync(path.join(home, 'docs', 'a.txt'), 'in scope');
  fs.writeFileSync(path.join(home, 'outside', 'secret.txt'), 'out of scope');
  fs.symlinkSync(path.join(home, 'outside'), path.join(home, 'docs', 'escape')); // out of scope
  fs.symlinkSync(path.join(home, 'docs'), path.join(home, 'link-in')); // into scope
  ext = writeExtension(work, {
    id: 'test.asker',
    commands: ['probe'],
    manifest: {
      permissions: {
        'fs.read': ['~/docs/**'],
        'fs.write': ['~/docs/**'],
        net: [`http://localhost:${port}/**`, `http://127.0.0.1:${port}/**`, 'https://localhost/**'],
      },
    },
    source: `exports.activate = () => host.commands.register('probe', async ({ cases }) => {
      const out = {};
      const outcome = async (f) => {
        try { await f(); return 'ok'; } catch (e) { return e.reason ? e.code + '/' + e.reason : e.code; }
      };
      const op = { 'fs.read': (t) => host.fs.stat(t), 'fs.write': (t) => host.fs.writeText(t, 'x'), net: (t) => host.net.fetch(t) };
      for (const [cap, target] of cases) {
        const query = await outcome(async () => { out.q = await host.permissions.query(cap, target); });
        const asked = query === 'ok' ? out.q : query;
        const request = await outcome(async () => { out.r = await host.permissions.request(cap, target, 'test'); });
        const answer = request === 'ok' ? out.r : request;
        out[cap + ' ' + target] = { query: asked, request: answer, actual: await outcome(() => op[cap](target)) };
      }
      delete out.q; delete out.r;
      return { type: 'json', value: out };
    });`,
  });
});
afterAll(() => {
  server.close();
  fs.rmSync(work, { recursive: true, force: true });
});

type Answer = { query: string; request: string; actual: string };

async function probe(cases: Array<[string, string]>, allow: string[]): Promise<Record<string, Answer>> {
  const r = await runCli(
    ['run', ext, 'probe', '--json', '--args', JSON.stringify({ cases }), ...allow.flatMap((a) => ['--allow', a])],
    env(),
  );
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).result.value as Record<string, Answer>;
}

describe('permissions.query/request agree with the access they are about', () => {
  it('fs: symlinks into and out of scope, `..`, trailing slashes, case', async () => {
    const r = await probe(
      [
        ['fs.read', '~/docs/a.txt'],
        ['fs.read', '~/docs/'],
        ['fs.read', '~/docs/escape/secret.txt'],
        ['fs.write', '~/docs/escape/new.txt'],
        ['fs.write', '~/link-in/new.txt'],
        ['fs.read', '~/link-in/a.txt'],
        ['fs.read', '~/docs/../outside/secret.txt'],
        ['fs.write', '~/outside/../docs/b.txt'],
        ['fs.read', '~/DOCS/a.txt'],
        ['fs.read', `${home}/docs//a.txt`],
      ],
      [`fs.read=${home}`, `fs.write=${home}`],
    );
    const granted: Answer = { query: 'prompt', request: 'granted', actual: 'ok' };
    const refused: Answer = { query: 'denied', request: 'denied', actual: 'EPERM/undeclared' };
    expect(r).toEqual({
      'fs.read ~/docs/a.txt': granted,
      'fs.read ~/docs/': granted,
      'fs.read ~/docs/escape/secret.txt': refused,
      // Does not exist yet: named by its folder's real path (outside), as the write is.
      'fs.write ~/docs/escape/new.txt': refused,
      // Named through a link into ~/docs: the real path is declared, so the write is allowed.
      'fs.write ~/link-in/new.txt': granted,
      'fs.read ~/link-in/a.txt': granted,
      'fs.read ~/docs/../outside/secret.txt': refused,
      'fs.write ~/outside/../docs/b.txt': granted,
      'fs.read ~/DOCS/a.txt': refused,
      [`fs.read ${home}/docs//a.txt`]: granted,
    });
    expect(fs.existsSync(path.join(home, 'outside', 'new.txt'))).toBe(false);
    expect(fs.readFileSync(path.join(home, 'docs', 'new.txt'), 'utf8')).toBe('x');
  });

  it('net: trailing dot, default port, full-width and IPv6 forms, percent-encoding, userinfo, schemes', async () => {
    const at = (host: string, p = '/x') => `http://${host}:${port}${p}`;
    const r = await probe(
      [
        ['net', at('localhost')],
        ['net', at('localhost.')],
        ['net', at('ＬＯＣＡＬＨＯＳＴ')],
        ['net', at('LocalHost', '/a/../x')],
        ['net', at('127.0.0.1', '/%7Euser')],
        ['net', at('0x7f.1')],
        ['net', at('[::1]')],
        ['net', 'https://localhost:443/x'],
        ['net', at('user@localhost')],
        ['net', `ftp://localhost:${port}/x`],
        ['net', at('localhost', '/x#frag')],
      ],
      [`net=http://localhost:${port}`, `net=http://127.0.0.1:${port}`, 'net=https://localhost'],
    );
    const granted: Answer = { query: 'prompt', request: 'granted', actual: 'ok' };
    expect(r).toEqual({
      [`net ${at('localhost')}`]: granted,
      // One trailing dot names the same host: the fetch is allowed, so the question must be too.
      [`net ${at('localhost.')}`]: granted,
      [`net ${at('ＬＯＣＡＬＨＯＳＴ')}`]: granted,
      [`net ${at('LocalHost', '/a/../x')}`]: granted,
      [`net ${at('127.0.0.1', '/%7Euser')}`]: granted,
      [`net ${at('0x7f.1')}`]: granted,
      // [::1] is not declared: refused before any connection.
      [`net ${at('[::1]')}`]: { query: 'denied', request: 'denied', actual: 'EPERM/undeclared' },
      // The default port is declared; nothing listens there: allowed, then the connection fails.
      ['net https://localhost:443/x']: { query: 'prompt', request: 'granted', actual: 'ENET' },
      // A URL the gateway refuses to fetch is not a question either.
      [`net ${at('user@localhost')}`]: { query: 'EINVAL', request: 'EINVAL', actual: 'EINVAL' },
      [`net ftp://localhost:${port}/x`]: { query: 'EINVAL', request: 'EINVAL', actual: 'EINVAL' },
      [`net ${at('localhost', '/x#frag')}`]: granted,
    });
  });
});
