// Issue 17 item 4: verify once per file identity (host) and read by identity (sandbox). The pieces
// without a child process; test/security/python-verified-tamper.test.ts runs them end to end.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { fileIdentity } from '../../electron/common/file-identity';
import { fingerprintOf } from '../../electron/core/process/snapshot-builder';
import { VERIFIED_RECORD, verifyFile } from '../../electron/core/supervision/python-verified-files';
import { readVerified, UnverifiedFileError } from '../../electron/sandbox/verified-read';
import { createPhaseClock } from '../../electron/sandbox/python-phases';
import { parseHostMessage } from '../../electron/sandbox/host-message';
import { HostMessageSchema } from '../../electron/common/protocol';
import { tempDir } from '../helpers/sandbox';

const dir = tempDir('warden-verified-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function file(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

describe('file identity', () => {
  it('host and sandbox write the same identity for a file', () => {
    const f = file('same', 'x');
    expect(fileIdentity(fs.statSync(f, { bigint: true }))).toBe(fingerprintOf(f));
    const fd = fs.openSync(f, 'r');
    expect(fileIdentity(fs.fstatSync(fd, { bigint: true }))).toBe(fingerprintOf(f));
    fs.closeSync(fd);
  });
});

describe('verifyFile (host)', () => {
  it('hashes a file once per identity, remembers it in the record, and refuses other bytes', async () => {
    const records = path.join(dir, 'records-1');
    const f = file('a', 'hello');
    const v = await verifyFile(f, sha('hello'), records);
    expect(v).toEqual({ sha256: sha('hello'), identity: fingerprintOf(f) });
    const record = path.join(records, VERIFIED_RECORD);
    expect(Object.values(JSON.parse(fs.readFileSync(record, 'utf8')).files)).toEqual([sha('hello')]);
    // Not hashed again (nothing new to remember: the record is not rewritten).
    const written = fingerprintOf(record);
    expect(await verifyFile(f, sha('hello'), records)).toEqual(v);
    expect(fingerprintOf(record)).toBe(written);
    // Other bytes of the same size: another identity, hashed, refused.
    fs.writeFileSync(f, 'jello');
    expect(await verifyFile(f, sha('hello'), records)).toBeUndefined();
    expect(await verifyFile(path.join(dir, 'missing'), sha('hello'), records)).toBeUndefined();
  });

  it('a malformed record is doubted as a whole: the file is hashed again', async () => {
    const records = path.join(dir, 'records-2');
    fs.mkdirSync(records);
    const f = file('b', 'bytes');
    // A record that claims the file's identity for another hash, with a duplicate key.
    const id = fingerprintOf(f)!;
    fs.writeFileSync(
      path.join(records, VERIFIED_RECORD),
      `{"version":1,"files":{"${id}":"${sha('other')}","${id}":"${sha('other')}"}}`,
    );
    expect(await verifyFile(f, sha('other'), records)).toBeUndefined();
    expect(await verifyFile(f, sha('bytes'), records)).toEqual({ sha256: sha('bytes'), identity: id });
  });
});

describe('readVerified (sandbox)', () => {
  it('reads without hashing at the verified identity; hashes otherwise; refuses other bytes', () => {
    const f = file('c', 'content');
    const clock = createPhaseClock();
    const identity = fingerprintOf(f)!;
    expect(Buffer.from(readVerified(f, 'c', { sha256: sha('content'), identity }, clock)).toString()).toBe('content');
    expect(clock.text()).toMatch(/hashed 0\.0 MB$/);
    // No identity, or another one: a full hash decides.
    expect(Buffer.from(readVerified(f, 'c', { sha256: sha('content') }, clock)).toString()).toBe('content');
    expect(() => readVerified(f, 'c', { sha256: sha('other') })).toThrow(UnverifiedFileError);
    fs.writeFileSync(f, 'CONTENT'); // same size, new ctime
    expect(() => readVerified(f, 'c', { sha256: sha('content'), identity })).toThrow(
      /c changed after the host verified it/,
    );
  });
});

describe('verified identities in init and python-preload', () => {
  const id = '2049:1234:9597892:1733470000000000000:1733470000000000000';
  const python = {
    main: 'main.py',
    files: {},
    memoryMb: 128,
    snapshot: { file: '/x.snap', sha256: 'a'.repeat(64), identity: id },
    verified: { 'pyodide.asm.wasm': { sha256: 'b'.repeat(64), identity: id } },
  };
  const init = {
    t: 'init',
    extension: { id: 'a.b', version: '1.0.0', name: 'B' },
    source: '',
    sourceUrl: 'ext://a.b/main.py',
    commands: [],
    heartbeatMs: 250,
  };
  it('the sandbox parser and the schema agree', () => {
    for (const m of [
      { ...init, python },
      { ...init, python: { ...python, verified: { 'a/b': { sha256: 'b'.repeat(64), identity: id } } } },
      { ...init, python: { ...python, verified: { x: { sha256: 'b'.repeat(64), identity: 'not:an:identity' } } } },
      { ...init, python: { ...python, verified: { x: { sha256: 'b'.repeat(64) } } } },
      { ...init, python: { ...python, snapshot: { ...python.snapshot, identity: '1:2' } } },
      { t: 'python-preload', memoryMb: 128, snapshot: python.snapshot, verified: python.verified },
      { t: 'python-preload', memoryMb: 128, verified: { x: { sha256: 'b'.repeat(64), identity: id, extra: 1 } } },
    ]) {
      const clean = JSON.parse(JSON.stringify(m)) as unknown;
      const ok = HostMessageSchema.safeParse(clean).success;
      expect(parseHostMessage(clean) !== undefined, JSON.stringify(m)).toBe(ok);
    }
    expect(HostMessageSchema.safeParse({ ...init, python }).success).toBe(true);
  });
});
