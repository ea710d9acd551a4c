// Install, update, approve, rollback, uninstall and run installed packages with real files, a real
// supervisor and real extension processes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createForkLauncher } from '../../electron/core/process/fork-launcher';
import { createSupervisor, type Supervisor } from '../../electron/core/supervision/supervisor';
import {
  createPackageRegistry,
  generateKeyPair,
  PackageError,
  readState,
  type PackageRegistry,
} from '../../electron/core/packages';
import { BOOTSTRAP, CODE_CACHE, runCli, tempDir } from '../helpers/sandbox';
import { makePackage, writeExt } from '../fixtures/packages/tools';

const publisher = generateKeyPair();
let work: string;
let v1: string;
let v2: string;
let v3wide: string;

beforeAll(async () => {
  work = tempDir('warden-pkginst-');
  v1 = await makePackage(work, publisher, { version: '1.0.0' });
  v2 = await makePackage(work, publisher, { version: '2.0.0' });
  v3wide = await makePackage(work, publisher, {
    version: '3.0.0',
    permissions: { 'fs.read': ['~/Documents/**'], net: ['https://api.example.com/**'], notifications: true },
  });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function fresh(): { dataDir: string; registry: PackageRegistry } {
  const dataDir = tempDir('warden-pkgdata-');
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  return { dataDir, registry: createPackageRegistry(dataDir) };
}

function supervisorFor(dataDir: string): Supervisor {
  const supervisor = createSupervisor({
    launcher: createForkLauncher({ bootstrapPath: BOOTSTRAP, codeCacheDir: CODE_CACHE }),
    dataDir,
    restart: { baseMs: 20 },
  });
  cleanups.push(async () => {
    await supervisor.stopAll();
    supervisor.close();
  });
  return supervisor;
}

async function refusal(p: Promise<unknown>): Promise<PackageError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PackageError);
  return err as PackageError;
}

describe('install and update', () => {
  it('installs, pins the key, updates to a higher version and keeps the last two', async () => {
    const { dataDir, registry } = fresh();
    const out = await registry.install(v1);
    expect(out).toMatchObject({
      id: 'acme.hello',
      version: '1.0.0',
      status: 'installed',
      fingerprint: publisher.fingerprint,
    });
    expect(fs.existsSync(path.join(dataDir, 'extensions', 'acme.hello', '1.0.0', 'warden-signature.json'))).toBe(true);
    const state = await readState(dataDir);
    expect(state.extensions['acme.hello']).toMatchObject({
      active: '1.0.0',
      fingerprint: publisher.fingerprint,
      enabled: true,
    });

    expect(await registry.update('acme.hello', v2)).toMatchObject({
      status: 'updated',
      from: '1.0.0',
      version: '2.0.0',
    });
    const list = await registry.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: 'acme.hello', version: '2.0.0', kept: ['2.0.0', '1.0.0'], unsigned: false });
    expect(fs.readdirSync(path.join(dataDir, 'extensions', 'acme.hello')).sort()).toEqual(['1.0.0', '2.0.0']);
  });

  it('refuses installing an installed id, and updating with a key swap, a replayed or an equal version', async () => {
    const { registry } = fresh();
    await registry.install(v2);
    expect((await refusal(registry.install(v2))).message).toMatch(/already installed \(2\.0\.0\)/);
    expect((await refusal(registry.update('acme.hello', v1))).message).toMatch(
      /1\.0\.0 is not higher than 2\.0\.0, already installed/,
    );
    expect((await refusal(registry.update('acme.hello', v2))).message).toMatch(/2\.0\.0 is not higher than 2\.0\.0/);
    const attacker = generateKeyPair();
    const dir = tempDir('warden-attacker-');
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const swapped = await makePackage(dir, attacker, { version: '9.0.0' });
    expect((await refusal(registry.update('acme.hello', swapped))).message).toMatch(/not the pinned publisher key/);
    expect((await registry.list())[0]).toMatchObject({ version: '2.0.0' });
  });

  it('refuses an update for another id than the one named', async () => {
    const { registry } = fresh();
    await registry.install(v1);
    const other = await makePackage(work, publisher, { id: 'acme.other', version: '5.0.0' });
    expect((await refusal(registry.update('acme.hello', other))).message).toMatch(
      /^the package is acme\.other, not acme\.hello$/,
    );
  });

  it('stages an update that widens permissions until approved, then activates it', async () => {
    const { registry } = fresh();
    await registry.install(v1);
    const staged = await registry.update('acme.hello', v3wide);
    expect(staged.status).toBe('pending-approval');
    expect(staged.widening).toEqual({
      'fs.read': [],
      'fs.write': [],
      net: ['https://api.example.com/**'],
      secrets: [],
      notifications: true,
    });
    expect((await registry.list())[0]).toMatchObject({ version: '1.0.0', pending: { version: '3.0.0' } });
    expect((await registry.loadInstalled('acme.hello')).manifest.version).toBe('1.0.0');
    // A replay of the staged version, or anything below it, is refused too.
    expect((await refusal(registry.update('acme.hello', v2))).message).toMatch(/not higher than 3\.0\.0/);
    expect(await registry.approve('acme.hello')).toMatchObject({ status: 'updated', from: '1.0.0', version: '3.0.0' });
    expect((await registry.loadInstalled('acme.hello')).manifest.version).toBe('3.0.0');
    expect((await registry.list())[0]).toMatchObject({ version: '3.0.0', kept: ['3.0.0', '1.0.0'] });
    expect((await refusal(registry.approve('acme.hello'))).message).toMatch(/no update waiting/);
  });

  it('activates a widening update at once with approve: true', async () => {
    const { registry } = fresh();
    await registry.install(v1);
    expect(await registry.update('acme.hello', v3wide, { approve: true })).toMatchObject({
      status: 'updated',
      version: '3.0.0',
    });
  });

  it('rolls back only to a version kept locally', async () => {
    const { dataDir, registry } = fresh();
    await registry.install(v1);
    expect((await refusal(registry.rollback('acme.hello'))).message).toMatch(/no earlier version kept locally/);
    await registry.update('acme.hello', v2);
    expect(await registry.rollback('acme.hello')).toMatchObject({ from: '2.0.0', to: '1.0.0' });
    expect((await registry.loadInstalled('acme.hello')).manifest.version).toBe('1.0.0');
    expect((await registry.list())[0]).toMatchObject({
      version: '1.0.0',
      kept: ['1.0.0', '2.0.0'],
      lastRollback: { from: '2.0.0' },
    });
    expect((await refusal(registry.rollback('acme.hello', { to: '0.5.0' }))).message).toMatch(
      /0\.5\.0 is not kept locally/,
    );
    // The rolled-back version cannot be re-installed as an "update" (not higher than seen).
    expect((await refusal(registry.update('acme.hello', v2))).message).toMatch(/not higher than 2\.0\.0/);
    await registry.uninstall('acme.hello');
    expect(await registry.list()).toEqual([]);
    expect(fs.readdirSync(path.join(dataDir, 'extensions'))).toEqual(['state.json']);
    expect((await refusal(registry.uninstall('acme.hello'))).kind).toBe('not-found');
  });

  it('installs an unsigned developer copy, marked unsigned, and refuses mixing it with signed packages', async () => {
    const { registry } = fresh();
    const dir = writeExt(work, {
      id: 'acme.dev',
      version: '0.1.0',
      extra: { '.env': 'SECRET=1', 'src/index.ts': 'x' },
    });
    expect(await registry.installUnsigned(dir)).toMatchObject({ id: 'acme.dev', unsigned: true, status: 'installed' });
    expect(await registry.installUnsigned(dir)).toMatchObject({ status: 'updated' });
    const [info] = await registry.list();
    expect(info).toMatchObject({ id: 'acme.dev', unsigned: true, version: '0.1.0' });
    const ext = await registry.loadInstalled('acme.dev');
    expect(ext.unsigned).toBe(true);
    expect(ext.publisherKey).toBeUndefined();
    expect(fs.existsSync(path.join(ext.dir, '.env'))).toBe(false);
    expect(fs.existsSync(path.join(ext.dir, 'src'))).toBe(false);
    const signed = await makePackage(work, publisher, { id: 'acme.dev', version: '0.2.0' });
    expect((await refusal(registry.update('acme.dev', signed))).message).toMatch(/unsigned developer copy/);
  });
});

describe('loading installed packages', () => {
  it('runs the installed version in the supervisor with its signed hash and publisher key', async () => {
    const { dataDir, registry } = fresh();
    await registry.install(v1);
    const ext = await registry.loadInstalled('acme.hello');
    expect(ext.publisherKey).toBe(publisher.fingerprint);
    expect(ext.integrity?.mainSha256).toMatch(/^[0-9a-f]{64}$/);
    const supervisor = supervisorFor(dataDir);
    supervisor.add(ext);
    expect(await supervisor.invoke('acme.hello', 'hello')).toEqual({ type: 'text', text: 'hello from 1.0.0' });
  });

  it('refuses to run an installed bundle changed on disk after install', async () => {
    const { dataDir, registry } = fresh();
    await registry.install(v1);
    // After the install ended, its deferred flush included: a change made while the flush still
    // runs is refused earlier, by loadInstalled's re-hash (packages-deferred-flush.test.ts).
    await registry.flushed();
    const ext = await registry.loadInstalled('acme.hello');
    fs.appendFileSync(ext.mainPath, '\nhost.commands.register("hello", () => "evil");\n');
    const supervisor = supervisorFor(dataDir);
    supervisor.add(await registry.loadInstalled('acme.hello'));
    const err = (await supervisor.invoke('acme.hello', 'hello').catch((e: unknown) => e)) as {
      code: string;
      message: string;
    };
    expect(err.code).toBe('EPERM');
    expect(err.message).toBe(
      'dist/extension.js does not match the signed package (changed after install); reinstall it',
    );
    expect(supervisor.status('acme.hello').state).toBe('failed');

    // The same through the CLI: `warden run <installed-id>`.
    const r = await runCli(['run', 'acme.hello', 'hello', '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/hello failed: EPERM \(policy\): dist\/extension\.js does not match the signed package/);
  });

  it('refuses an installed manifest changed on disk, a missing signature, and disabled extensions', async () => {
    const { registry } = fresh();
    await registry.install(v1);
    // A flushed version (before, activation re-checks every file: packages-deferred-flush.test.ts).
    await registry.flushed();
    const ext = await registry.loadInstalled('acme.hello');
    const manifestPath = path.join(ext.dir, 'manifest.json');
    const original = fs.readFileSync(manifestPath);
    const m = JSON.parse(original.toString());
    m.permissions['fs.write'] = ['~/**'];
    fs.writeFileSync(manifestPath, JSON.stringify(m));
    expect((await refusal(registry.loadInstalled('acme.hello'))).message).toMatch(
      /manifest\.json was changed after install/,
    );
    fs.writeFileSync(manifestPath, original);
    fs.renameSync(path.join(ext.dir, 'warden-signature.json'), path.join(ext.dir, 'sig.bak'));
    expect((await refusal(registry.loadInstalled('acme.hello'))).message).toMatch(/no warden-signature\.json/);
    fs.renameSync(path.join(ext.dir, 'sig.bak'), path.join(ext.dir, 'warden-signature.json'));
    await registry.setEnabled('acme.hello', false);
    expect((await refusal(registry.loadInstalled('acme.hello'))).message).toMatch(/disabled/);
    await registry.setEnabled('acme.hello', true);
    expect((await registry.loadInstalled('acme.hello')).manifest.version).toBe('1.0.0');
  });

  it('recovery removes staging leftovers and unreferenced version folders, keeping referenced ones', async () => {
    const { dataDir, registry } = fresh();
    await registry.install(v1);
    const root = path.join(dataDir, 'extensions');
    fs.mkdirSync(path.join(root, '.staging-deadbeef', 'dist'), { recursive: true });
    fs.writeFileSync(path.join(root, '.staging-deadbeef', 'dist', 'x.js'), 'x');
    fs.mkdirSync(path.join(root, 'acme.hello', '7.0.0'));
    fs.mkdirSync(path.join(root, 'acme.ghost', '1.0.0'), { recursive: true });
    fs.writeFileSync(path.join(root, '.state.json.abc123.tmp'), '{');
    const report = await registry.recover();
    expect(report.removed.sort()).toEqual([
      '.staging-deadbeef',
      '.state.json.abc123.tmp',
      'acme.ghost',
      'acme.hello/7.0.0',
    ]);
    expect(fs.readdirSync(root).sort()).toEqual(['acme.hello', 'state.json']);
    expect((await registry.loadInstalled('acme.hello')).manifest.version).toBe('1.0.0');
  });

  it("serialises concurrent installs across processes with the lock (and takes over a dead holder's lock)", async () => {
    const { dataDir, registry } = fresh();
    fs.mkdirSync(path.join(dataDir, 'extensions'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'extensions', '.lock'), '999999999');
    const [a, b] = await Promise.allSettled([registry.install(v1), registry.install(v2)]);
    const ok = [a, b].filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    expect(fs.existsSync(path.join(dataDir, 'extensions', '.lock'))).toBe(false);
  });
});
