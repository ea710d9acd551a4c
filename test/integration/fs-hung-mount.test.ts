/**
 * A file system that stops answering (a hung NFS or FUSE mount), through the real entry point: an
 * extension process calls `host.fs.readText`, the host's fs gateway pins and reads on a worker
 * thread (electron/core/gateways/fs/pinned-pool.ts) that is blocked in the kernel, here on a
 * blocking open of a FIFO with no writer. The call fails with ETIMEDOUT only where the extension is
 * allowed to read (elsewhere EPERM, as for any path outside its grants), the host keeps serving,
 * and the next read is served by a fresh worker; once the blocked call returns nothing is left open.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultServices, parsePolicy } from '../../electron/core';
import { createFsGateway } from '../../electron/core/gateways/fs/fs-gateway';
import { createPinnedPool } from '../../electron/core/gateways/fs/pinned-pool';
import { createTestHost, tempDir, type TestHost } from '../helpers/sandbox';

const linux = process.platform === 'linux';
const work = fs.realpathSync(tempDir('warden-hung-'));
const granted = path.join(work, 'granted');
const outside = path.join(work, 'outside');
const fifo = path.join(work, 'stall');
let stall: string | undefined;
const pool = createPinnedPool({ startAfter: 0, timeoutMs: 400, testStall: () => stall });
let host: TestHost;
let id: string;

const SOURCE = `exports.activate = () => host.commands.register('read', async ({ path }) => {
  try { return { text: await host.fs.readText(path) }; }
  catch (e) { return { code: e.code, reason: e.reason ?? null, message: e.message }; }
});`;

/** Lets every worker blocked opening the FIFO go on (a writer appears and leaves). */
function unstall(): void {
  try {
    fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
  } catch {
    // ENXIO: nobody is blocked on it
  }
}

const read = async (p: string) => {
  const r = await host.supervisor.invoke(id, 'read', { path: p });
  expect(r.type, JSON.stringify(r)).toBe('json');
  return (r as { value: Record<string, unknown> }).value;
};

beforeAll(async () => {
  if (!linux) return;
  fs.mkdirSync(granted);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(granted, 'a.txt'), 'A-TEXT');
  fs.writeFileSync(path.join(outside, 'b.txt'), 'B-TEXT');
  execFileSync('mkfifo', [fifo]);
  const policy = parsePolicy({ version: 1, allow: [{ capability: 'fs.read', targets: [`${granted}/**`] }] });
  if (!policy.ok) throw new Error(policy.errors.join('; '));
  const services = createDefaultServices(path.join(work, 'data'), {
    policy: policy.policy,
    fsGateway: (authorizer) =>
      createFsGateway({ authorize: (r) => authorizer.authorize(r), homeDir: work, pinnedPool: pool }),
  });
  host = createTestHost({ services });
  id = await host.add({
    commands: ['read'],
    manifest: {
      permissions: { 'fs.read': [`${granted}/**`, `${outside}/**`] },
      contributes: { commands: [{ id: 'read', title: 'Read', params: { path: { type: 'string', title: 'Path' } } }] },
    },
    source: SOURCE,
  });
  await pool.whenReady();
});

afterAll(async () => {
  unstall();
  await host?.close();
  for (let i = 0; i < 200 && pool.stats().abandoned > 0; i++) {
    unstall();
    await new Promise((r) => setTimeout(r, 10));
  }
  await pool.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe.runIf(linux)('a hung file system under a mediated read', () => {
  it('times out with ETIMEDOUT where the extension may read, EPERM elsewhere; the host goes on', async () => {
    expect(await read(path.join(granted, 'a.txt'))).toEqual({ text: 'A-TEXT' });

    stall = fifo;
    const hung = await read(path.join(granted, 'a.txt'));
    expect(hung).toMatchObject({ code: 'ETIMEDOUT' });
    expect(hung.message).toMatch(/did not answer in time/);
    // Outside its grants the hang tells the extension nothing: refused as any such path is.
    await pool.whenReady();
    expect(await read(path.join(outside, 'b.txt'))).toMatchObject({ code: 'EPERM', reason: 'denied' });
    expect(pool.stats().abandoned).toBe(2);

    stall = undefined;
    await pool.whenReady();
    expect(await read(path.join(granted, 'a.txt'))).toEqual({ text: 'A-TEXT' });
    expect(pool.stats().live).toBe(1);

    // The blocked calls return at last: their workers answer (cancelled), end, and hold nothing.
    for (let i = 0; i < 300 && pool.stats().abandoned > 0; i++) {
      unstall();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(pool.stats().abandoned).toBe(0);
    // (the audit log under work/data is held open on purpose)
    const open = fs.readdirSync('/proc/self/fd').filter((fd) => {
      try {
        const name = fs.readlinkSync(`/proc/self/fd/${fd}`);
        return name.startsWith(granted) || name.startsWith(outside) || name === fifo;
      } catch {
        return false;
      }
    });
    expect(open).toEqual([]);
  });
});
