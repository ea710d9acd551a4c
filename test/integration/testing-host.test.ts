// `warden/testing`, the SDK's test host, as extension authors use it: the scaffolded test of
// `warden init` passes under `node --test` against the package export, and the built library
// drives a real sandboxed extension with scripted answers, limits, storage, audit and secrets.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, writeExtension } from '../helpers/sandbox';
import type * as Testing from '../../extensions/sdk/testing';
import type { startExtension as implementation } from '../../extensions/sdk/testing/index';

// The hand-written types authors get must describe the implementation.
const _typesMatch: typeof Testing.startExtension = null as unknown as typeof implementation;
void _typesMatch;

const work = tempDir('warden-testing-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the scaffolded test', () => {
  it('passes under node --test, importing warden/testing through the package exports', async () => {
    const dir = path.join(work, 'greeter');
    expect((await runCli(['init', dir, '--id', 'acme.greeter'])).code).toBe(0);
    // What `npm link warden` gives: node_modules/warden is this checkout.
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'warden'), 'dir');
    const r = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, ['--test'], { cwd: dir, timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr }),
      ),
    );
    expect(r.out).toMatch(/# pass 1\b/);
    expect(r.out).toMatch(/# fail 0\b/);
    expect(r.code, r.out).toBe(0);
    // It really built and ran: the bundle exists now, and a broken source fails the same test.
    expect(fs.existsSync(path.join(dir, 'dist', 'extension.js'))).toBe(true);
    const src = path.join(dir, 'src', 'extension.ts');
    fs.writeFileSync(src, fs.readFileSync(src, 'utf8').replace('`Hello, ${who}!`', '`Bye, ${who}!`'));
    const broken = await new Promise<number>((resolve) =>
      execFile(process.execPath, ['--test'], { cwd: dir, timeout: 120_000 }, (err) =>
        resolve(err ? (typeof err.code === 'number' ? err.code : 1) : 0),
      ),
    );
    expect(broken).not.toBe(0);
  });
});

describe('startExtension (dist/testing/index.cjs)', () => {
  const { startExtension } = createRequire(__filename)(
    path.join(ROOT, 'dist', 'testing', 'index.cjs'),
  ) as typeof Testing;
  const docs = path.join(work, 'docs');
  fs.mkdirSync(docs, { recursive: true });
  fs.writeFileSync(path.join(docs, 'a.txt'), 'alpha');
  const dir = writeExtension(work, {
    id: 'acme.probe',
    commands: ['read', 'hang', 'secret', 'notify'],
    manifest: {
      permissions: { 'fs.read': [`${docs}/**`], secrets: ['TOKEN'], notifications: true },
    },
    source: `exports.activate = () => {
      host.commands.register('read', async ({ file }) => {
        const text = await host.fs.readText(file);
        await host.storage.set('last', text);
        console.warn('read', text.length);
        return text;
      });
      host.commands.register('hang', () => new Promise(() => {}));
      host.commands.register('secret', async () => (await host.secrets.get('TOKEN')).length);
      host.commands.register('notify', async () => { await host.ui.notify('done', { level: 'warning' }); return 'ok'; });
    };`,
  });
  const file = path.join(docs, 'a.txt');

  it('answers prompts from allow rules, records them, and the audit log and storage show the read', async () => {
    const ext = await startExtension(dir, { allow: [`fs.read=${docs}`] });
    try {
      expect(await ext.run('read', { file })).toEqual({ type: 'text', text: 'alpha' });
      expect(ext.prompts).toEqual([
        { capability: 'fs.read', target: expect.stringContaining('a.txt'), answer: 'allow' },
      ]);
      expect(await ext.storage.get('last')).toBe('alpha');
      expect(ext.logs).toContainEqual({ level: 'warn', text: expect.stringMatching(/^read 5/) });
      const audit = ext.audit();
      expect(audit.some((r) => r.kind === 'decision' && r.decision === 'allow')).toBe(true);
      expect(audit.some((r) => r.kind === 'operation' && r.method === 'fs.readText')).toBe(true);
    } finally {
      await ext.stop();
    }
    expect(fs.existsSync(ext.dataDir)).toBe(false);
  });

  it('denies what is not allowed (EPERM denied), and a deny rule wins', async () => {
    const ext = await startExtension(dir, { allow: [`fs.read=${docs}`], deny: [`fs.read=${file}`] });
    try {
      await expect(ext.run('read', { file })).rejects.toMatchObject({ code: 'EPERM', reason: 'denied' });
      expect(ext.prompts[0]?.answer).toBe('deny');
      await expect(ext.run('read', { file: '/etc/hostname' })).rejects.toMatchObject({
        code: 'EPERM',
        reason: 'undeclared',
      });
    } finally {
      await ext.stop();
    }
  });

  it('applies limit overrides (a call timeout), secrets and notifications', async () => {
    const ext = await startExtension(dir, {
      limits: { callTimeoutMs: 300 },
      secrets: { TOKEN: 's3cret' },
      allow: ['secrets=TOKEN', 'notifications'],
    });
    try {
      await expect(ext.run('hang')).rejects.toMatchObject({ code: 'ETIMEDOUT' });
      expect(await ext.run('secret')).toEqual({ type: 'json', value: 6 });
      expect(await ext.run('notify')).toEqual({ type: 'text', text: 'ok' });
      expect(ext.notifications).toEqual([{ message: 'done', level: 'warning' }]);
    } finally {
      await ext.stop();
    }
  });

  it('runs the extension on a fake clock: Date, timers and TTLs move only when the test says', async () => {
    const clocked = writeExtension(work, {
      id: 'acme.clocked',
      commands: ['check', 'now', 'fired'],
      source: `let cachedAt; let fired = 0;
      exports.activate = () => {
        setTimeout(() => { fired++; }, 30 * 60_000);
        host.commands.register('check', () => {
          if (cachedAt === undefined) { cachedAt = Date.now(); return 'fresh'; }
          return Date.now() - cachedAt < 3_600_000 ? 'cached' : 'expired';
        });
        host.commands.register('now', () => new Date().toISOString());
        host.commands.register('fired', () => fired);
      };`,
    });
    const start = Date.UTC(2030, 0, 1);
    const ext = await startExtension(clocked, { clock: start });
    try {
      expect(await ext.run('now')).toEqual({ type: 'text', text: '2030-01-01T00:00:00.000Z' });
      expect(await ext.run('check')).toEqual({ type: 'text', text: 'fresh' });
      expect(await ext.run('fired')).toEqual({ type: 'json', value: 0 });
      ext.advanceClock(59 * 60_000);
      expect(await ext.run('check')).toEqual({ type: 'text', text: 'cached' });
      expect(await ext.run('fired')).toEqual({ type: 'json', value: 1 });
      ext.advanceClock(2 * 60_000);
      expect(await ext.run('check')).toEqual({ type: 'text', text: 'expired' });
      expect(await ext.run('now')).toEqual({ type: 'text', text: '2030-01-01T01:01:00.000Z' });
    } finally {
      await ext.stop();
    }
  });
});
