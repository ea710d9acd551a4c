// DEFERRED FLUSH: an install commits state.json with the new version marked `unflushed`, returns,
// and flushes its files afterwards (install lock still held), then clears the mark. A process
// killed in that window loses nothing (the page cache survives); a power cut may lose writeback,
// simulated here by changing or truncating a file of the unflushed version after a SIGKILL at the
// commit. Recovery and activation re-hash every signed file of an unflushed version and fall
// back to the previous one, which stays on disk until the new one is flushed.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  flushesDone,
  generateKeyPair,
  installPackage,
  loadInstalled,
  readState,
  recover,
  uninstallExtension,
} from '../../electron/core/packages';

import { acquireLock } from '../../electron/core/packages/install-state';
import { CLI, runCli, tempDir } from '../helpers/sandbox';
import { makePackage } from '../fixtures/packages/tools';

const key = generateKeyPair();
let work: string;
const pkg: Record<string, string> = {};

beforeAll(async () => {
  work = tempDir('warden-defer-');
  for (const v of ['1.0.0', '2.0.0', '3.0.0', '4.0.0']) pkg[v] = await makePackage(work, key, { version: v });
}, 60_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function cli(args: string[], dataDir: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, '--data-dir', dataDir], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** Runs `args` through the CLI, killed (SIGKILL) right after the commit that marks the version unflushed. */
async function killedAtCommit(args: string[], dataDir: string): Promise<void> {
  const probe = tempDir('warden-defer-probe-');
  fs.cpSync(dataDir, probe, { recursive: true });
  const traced = await cli(args, probe, { WARDEN_TEST_CRASH_TRACE: '1' });
  fs.rmSync(probe, { recursive: true, force: true });
  expect(traced.code, traced.stderr).toBe(0);
  const step = /^warden-test-step (\d+) committed, flush pending$/m.exec(traced.stderr)?.[1];
  expect(step, traced.stderr).toBeDefined();
  const r = await cli(args, dataDir, { WARDEN_TEST_CRASH_AT_STEP: step! });
  expect(r.signal).toBe('SIGKILL');
  const rec = (await readState(dataDir)).extensions['acme.hello']!;
  const unflushed = [...rec.kept, ...(rec.pending ? [rec.pending] : [])].filter((k) => k.unflushed);
  expect(unflushed.length, 'the commit marks the new version unflushed').toBe(1);
}

const versionFolder = (dataDir: string, v: string) => path.join(dataDir, 'extensions', 'acme.hello', v);
const bundle = (dataDir: string, v: string) => path.join(versionFolder(dataDir, v), 'dist', 'extension.js');

async function installed(dataDir: string, ...versions: string[]): Promise<void> {
  for (const [i, v] of versions.entries()) {
    const args = i === 0 ? ['install', '--yes', pkg[v]!] : ['update', '--yes', 'acme.hello', pkg[v]!];
    const r = await runCli([...args, '--data-dir', dataDir]);
    expect(r.code, r.stderr).toBe(0);
  }
}

async function runHello(dataDir: string) {
  return runCli(['run', 'acme.hello', 'hello', '--data-dir', dataDir]);
}

describe('deferred flush', () => {
  it('warden install exits only once the version is flushed and the mark cleared (lock released)', async () => {
    const dataDir = tempDir('warden-defer-data-');
    await installed(dataDir, '1.0.0', '2.0.0');
    const rec = (await readState(dataDir)).extensions['acme.hello']!;
    expect(rec.kept.map((k) => [k.version, k.unflushed])).toEqual([
      ['2.0.0', undefined],
      ['1.0.0', undefined],
    ]);
    expect(fs.existsSync(path.join(dataDir, 'extensions', '.lock'))).toBe(false);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('an unflushed update whose bundle lost its writeback is rolled back at recovery (warden run)', async () => {
    const dataDir = tempDir('warden-defer-data-');
    await installed(dataDir, '1.0.0');
    await killedAtCommit(['update', '--yes', 'acme.hello', pkg['2.0.0']!], dataDir);
    expect(fs.existsSync(versionFolder(dataDir, '1.0.0')), 'the previous version is kept').toBe(true);
    fs.truncateSync(bundle(dataDir, '2.0.0'), 10);
    const r = await runHello(dataDir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('hello from 1.0.0\n');
    const rec = (await readState(dataDir)).extensions['acme.hello']!;
    expect(rec.active).toBe('1.0.0');
    expect(rec.kept.map((k) => k.version)).toEqual(['1.0.0']);
    expect(rec.lastRollback).toMatchObject({ from: '2.0.0', to: '1.0.0' });
    expect(fs.existsSync(versionFolder(dataDir, '2.0.0'))).toBe(false);
    // The lost version may be installed again (it is not a replay).
    const again = await runCli(['update', '--yes', 'acme.hello', pkg['2.0.0']!, '--data-dir', dataDir]);
    expect(again.code, again.stderr).toBe(0);
    expect((await runHello(dataDir)).stdout).toBe('hello from 2.0.0\n');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('an unflushed version with a changed file is refused at activation; the previous one comes back', async () => {
    const dataDir = tempDir('warden-defer-data-');
    await installed(dataDir, '1.0.0');
    await killedAtCommit(['update', '--yes', 'acme.hello', pkg['2.0.0']!], dataDir);
    // A changed byte (same size): what a half-written page looks like.
    const b = fs.readFileSync(bundle(dataDir, '2.0.0'));
    b[b.length - 2] = b[b.length - 2]! ^ 0x20;
    fs.writeFileSync(bundle(dataDir, '2.0.0'), b);
    const ext = await loadInstalled(dataDir, 'acme.hello');
    expect(ext.manifest.version).toBe('1.0.0');
    expect((await readState(dataDir)).extensions['acme.hello']!.active).toBe('1.0.0');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('activation refuses a damaged unflushed version while a live process holds the install lock', async () => {
    const dataDir = tempDir('warden-defer-data-');
    await installed(dataDir, '1.0.0');
    await killedAtCommit(['update', '--yes', 'acme.hello', pkg['2.0.0']!], dataDir);
    fs.truncateSync(bundle(dataDir, '2.0.0'), 0);
    const lock = await acquireLock(dataDir);
    try {
      await expect(loadInstalled(dataDir, 'acme.hello')).rejects.toThrow(/not intact|does not match|missing/);
    } finally {
      await lock.release();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('an intact unflushed version (a process kill only) is flushed and kept at recovery', async () => {
    const dataDir = tempDir('warden-defer-data-');
    await installed(dataDir, '1.0.0');
    await killedAtCommit(['update', '--yes', 'acme.hello', pkg['2.0.0']!], dataDir);
    const r = await runHello(dataDir);
    expect(r.stdout, r.stderr).toBe('hello from 2.0.0\n');
    const rec = (await readState(dataDir)).extensions['acme.hello']!;
    expect(rec.kept.map((k) => [k.version, k.unflushed])).toEqual([
      ['2.0.0', undefined],
      ['1.0.0', undefined],
    ]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('a damaged unflushed first install is removed at recovery (nothing to fall back to)', async () => {
    const dataDir = tempDir('warden-defer-data-');
    await killedAtCommit(['install', '--yes', pkg['1.0.0']!], dataDir);
    fs.rmSync(path.join(versionFolder(dataDir, '1.0.0'), 'manifest.json'));
    const r = await runHello(dataDir);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/nor an installed extension/);
    const list = await runCli(['list', '--json', '--data-dir', dataDir]);
    expect(JSON.parse(list.stdout)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'extensions', 'acme.hello'))).toBe(false);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('an update that prunes keeps the version it would drop until the new one is flushed', async () => {
    const dataDir = tempDir('warden-defer-data-');
    await installed(dataDir, '1.0.0', '2.0.0');
    await killedAtCommit(['update', '--yes', 'acme.hello', pkg['3.0.0']!], dataDir);
    for (const v of ['1.0.0', '2.0.0', '3.0.0']) expect(fs.existsSync(versionFolder(dataDir, v)), v).toBe(true);
    // The next change (an update while 3.0.0 is unflushed and lost) first falls back to 2.0.0.
    fs.truncateSync(bundle(dataDir, '3.0.0'), 1);
    const r = await runCli(['update', '--yes', 'acme.hello', pkg['4.0.0']!, '--data-dir', dataDir]);
    expect(r.code, r.stderr).toBe(0);
    const rec = (await readState(dataDir)).extensions['acme.hello']!;
    expect(rec.kept.map((k) => k.version)).toEqual(['4.0.0', '2.0.0']);
    expect(fs.readdirSync(path.join(dataDir, 'extensions', 'acme.hello')).sort()).toEqual(['2.0.0', '4.0.0']);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('in one process, changes issued while a flush runs wait for it (the lock is held until then)', async () => {
    const dataDir = tempDir('warden-defer-data-');
    await installPackage(dataDir, pkg['1.0.0']!, 'install');
    const state = await readState(dataDir);
    // Returned at the commit: the mark is on (or already cleared, if the flush was that quick).
    expect(state.extensions['acme.hello']!.active).toBe('1.0.0');
    const [a, b] = await Promise.all([
      installPackage(dataDir, pkg['2.0.0']!, 'update'),
      installPackage(dataDir, pkg['3.0.0']!, 'update'),
    ]);
    expect([a.status, b.status]).toEqual(['updated', 'updated']);
    const removed = uninstallExtension(dataDir, 'acme.hello');
    await removed;
    await flushesDone(dataDir);
    expect((await readState(dataDir)).extensions).toEqual({});
    expect(fs.readdirSync(path.join(dataDir, 'extensions')).sort()).toEqual(['state.json']);
    await recover(dataDir);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);
});
