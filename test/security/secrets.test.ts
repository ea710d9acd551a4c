// Secrets through the real CLI (issue 12, items 15 and 16): a stored secret value an extension
// puts into a URL never reaches the audit log or a prompt in plain text, nor do common credential
// parameters; `warden secrets set` refuses names the extension never declared; the key that
// encrypts the secrets is not kept in the data folder beside the ciphertext.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeExtension } from '../helpers/sandbox';
import { runCliPiped } from '../helpers/cli-stdin';

const SECRET = 'sk-live-7f3a9c1e5b2d4086';
const LITERAL = 'tok-literal-55aa66bb';

let work: string;
let home: string;
let dataDir: string;
let server: http.Server;
let base: string;
let ext: string;
const seen: string[] = [];
const env = () => ({ HOME: home, WARDEN_HOME: dataDir, XDG_STATE_HOME: '' });

beforeAll(async () => {
  work = fs.realpathSync(tempDir('warden-secrets-'));
  home = path.join(work, 'home');
  dataDir = path.join(work, 'data');
  fs.mkdirSync(home);
  server = http.createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.authorization ?? ''}`);
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ext = writeExtension(work, {
    id: 'acme.leaky',
    commands: ['call'],
    manifest: { permissions: { secrets: ['API_KEY'], net: [`${base}/**`] } },
    source: `exports.activate = () => host.commands.register('call', async ({ base }) => {
      const key = await host.secrets.get('API_KEY');
      const a = await host.net.fetch(base + '/v1/items?api_key=' + key + '&q=1', { headers: { Authorization: 'Bearer ' + key } });
      const b = await host.net.fetch(base + '/v1/other?access_token=${LITERAL}&page=2');
      return a.text() + b.text();
    });`,
  });
}, 60_000);
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(work, { recursive: true, force: true });
});

const filesUnder = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .flatMap((e) => (e.isFile() ? [path.join(e.parentPath, e.name)] : []))
    : [];

describe('warden secrets set', () => {
  it('refuses a name the extension never declared', async () => {
    const r = await runCliPiped(['secrets', 'set', ext, 'STOLEN_TOKEN'], 'value\n', env());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('STOLEN_TOKEN');
    expect(r.stderr).toMatch(/not declare/);
    const other = await runCliPiped(['secrets', 'set', 'nobody.unknown', 'API_KEY'], 'value\n', env());
    expect(other.code).not.toBe(0);
    expect((await runCli(['secrets', 'list', 'acme.leaky'], env())).stdout).toBe('no secrets set\n');
  });

  it('stores a declared one encrypted, with its key outside the data folder', async () => {
    const r = await runCliPiped(['secrets', 'set', ext, 'API_KEY'], `${SECRET}\n`, env());
    expect(r.code, r.stderr).toBe(0);
    const inData = filesUnder(dataDir);
    expect(inData.some((f) => f.endsWith('.key'))).toBe(false);
    for (const f of inData) expect(fs.readFileSync(f, 'latin1')).not.toContain(SECRET);
    // The key is in a folder of its own, only the user can enter it.
    const keys = filesUnder(home).filter((f) => f.endsWith('.key'));
    expect(keys).toHaveLength(1);
    expect(fs.statSync(path.dirname(keys[0]!)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(keys[0]!).mode & 0o777).toBe(0o600);
  });
});

describe('redaction', () => {
  it('keeps stored secret values and credential parameters out of prompts and the audit log', async () => {
    // Answers: the secret (once), the first URL (once), the second URL (once).
    const r = await runCliPiped(
      ['run', ext, 'call', '--prompt', '--args', JSON.stringify({ base })],
      'o\no\no\n',
      env(),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('okok\n');
    // The request itself went out as the extension made it.
    expect(seen.some((s) => s.includes(`api_key=${SECRET}`) && s.includes(`Bearer ${SECRET}`))).toBe(true);
    // The prompts named the URLs, redacted.
    expect(r.stderr).toContain('/v1/items?api_key=[redacted]&q=1');
    expect(r.stderr).toContain('/v1/other?access_token=[redacted]&page=2');
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toContain(LITERAL);
    const raw = filesUnder(path.join(dataDir, 'audit'))
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('');
    expect(raw).toContain('api_key=[redacted]');
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain(LITERAL);
    const shown = await runCli(['audit', '--extension', 'acme.leaky'], env());
    expect(shown.stdout).toContain('net.fetch');
    expect(shown.stdout).not.toContain(SECRET);
    expect(shown.stdout).not.toContain(LITERAL);
  });
});
