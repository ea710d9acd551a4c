/**
 * The start-up snapshot runs before every protection in the process, so a changed blob would be a
 * full SES bypass. A blob changed at rest (before a host starts) or after a host verified it is
 * never started from: the host notices (hash, then file identity), says so, starts processes the
 * usual way, and builds a good one again. The planted blob is a real, startable snapshot whose
 * main exits 42 at once: had any process started from it, the extension could not answer.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/sandbox';
import { createSnapshotHost, MEMORY_MB, snapshotFiles, type SnapshotHost } from '../helpers/snapshot-host';

const cacheDir = tempDir('warden-snapshot-');
const work = tempDir('warden-evil-');
let host: SnapshotHost | undefined;
let evil: Buffer;
afterEach(async () => host?.close());
afterAll(() => {
  fs.rmSync(cacheDir, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

const HELLO = `exports.activate = () => host.commands.register('hello', () => 'hello');`;
const usedBlob = (h: SnapshotHost) => h.cmdlines.some((c) => c.some((a) => a.startsWith('--snapshot-blob')));

beforeAll(async () => {
  host = createSnapshotHost(cacheDir);
  expect(await host.launcher.snapshotReady(MEMORY_MB)).toBe(true);
  await host.close();
  host = undefined;
  // The attacker's blob, built with the same V8 flags so it would start.
  const { flags } = snapshotFiles(cacheDir);
  const entry = path.join(work, 'evil.js');
  fs.writeFileSync(entry, `require('v8').startupSnapshot.setDeserializeMainFunction(() => process.exit(42));\n`);
  const evilBlob = path.join(work, 'evil.blob');
  const v8Flags = [`--max-old-space-size=${MEMORY_MB}`, ...flags];
  execFileSync(process.execPath, [...v8Flags, '--snapshot-blob', evilBlob, '--build-snapshot', entry]);
  expect(spawnSync(process.execPath, [...v8Flags, '--snapshot-blob', evilBlob, entry]).status).toBe(42);
  evil = fs.readFileSync(evilBlob);
}, 120_000);

describe('a tampered start-up snapshot', () => {
  it('planted before the host starts: fails its hash check, is never started from, and is rebuilt', async () => {
    const { blob } = snapshotFiles(cacheDir);
    fs.writeFileSync(blob, evil); // the metadata (hash) beside it is left as it was
    host = createSnapshotHost(cacheDir);
    const id = await host.add({ commands: ['hello'], source: HELLO });
    expect(await host.supervisor.invoke(id, 'hello')).toEqual({ type: 'text', text: 'hello' });
    expect(usedBlob(host)).toBe(false);
    expect(host.paths[0]).toMatchObject({ path: 'code-cache' });
    // The host replaced it with a good one of its own, and starts from that.
    expect(await host.launcher.snapshotReady(MEMORY_MB)).toBe(true);
    expect(fs.readFileSync(snapshotFiles(cacheDir).blob).equals(evil)).toBe(false);
    await host.supervisor.stop(id);
    expect(await host.supervisor.invoke(id, 'hello')).toEqual({ type: 'text', text: 'hello' });
    expect(usedBlob(host)).toBe(true);
  });

  it('written after the host verified it: the next start does not use it and says why', async () => {
    host = createSnapshotHost(cacheDir);
    expect(await host.launcher.snapshotReady(MEMORY_MB)).toBe(true);
    expect(host.launcher.startPath(MEMORY_MB).path).toBe('snapshot');
    const { blob } = snapshotFiles(cacheDir);
    // In place, same inode: only the content (and so mtime/ctime) changes.
    const fd = fs.openSync(blob, 'r+');
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, evil, 0, evil.length, 0);
    fs.closeSync(fd);
    const id = await host.add({ commands: ['hello'], source: HELLO });
    expect(await host.supervisor.invoke(id, 'hello')).toEqual({ type: 'text', text: 'hello' });
    expect(usedBlob(host)).toBe(false);
    expect(host.paths.at(-1)).toEqual({ path: 'code-cache', detail: 'snapshot changed since it was verified' });
  });
});
