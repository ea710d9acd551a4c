// The audit log (docs/cli.md, `warden audit`): JSON lines, one record per decision and operation, rotated by size,
// credentials redacted. The file is held open while records come and closed after a quiet
// second; a rotation by another process is noticed within that second.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuditLog } from '../../electron/core/platform/audit-log';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-audit-'));
});
afterEach(() => {
  vi.useRealTimers();
  fs.rmSync(dir, { recursive: true, force: true });
});

const lines = (f: string) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean);
/** Descriptors of this process that name `file` (Linux). */
const openOn = (file: string) =>
  fs.readdirSync('/proc/self/fd').filter((n) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${n}`) === file;
    } catch {
      return false;
    }
  }).length;

describe('audit log', () => {
  it('writes one JSON line per record, private to the user, and reads them back by extension', () => {
    const file = path.join(dir, 'audit', 'audit.jsonl');
    const log = createAuditLog({ file });
    log.write({ ext: 'a.one', kind: 'decision', capability: 'fs.read', target: '/x', decision: 'allow' });
    log.write({ ext: 'b.two', kind: 'operation', method: 'fs.readText', bytes: 4 });
    expect(lines(file).map((l) => JSON.parse(l).ext)).toEqual(['a.one', 'b.two']);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(log.read({ extensionId: 'b.two' })).toMatchObject([{ kind: 'operation', bytes: 4 }]);
    expect(log.read()[0]!.time).toBeTypeOf('number');
  });

  it('redacts fields named like credentials', () => {
    const file = path.join(dir, 'audit.jsonl');
    const log = createAuditLog({ file });
    log.write({ ext: 'a.one', kind: 'operation', detail: 'ok', ...{ apiKey: 'K', token: 'T' } });
    const rec = JSON.parse(lines(file)[0]!);
    expect(rec).toMatchObject({ apiKey: '[redacted]', token: '[redacted]', detail: 'ok' });
    expect(fs.readFileSync(file, 'utf8')).not.toMatch(/"K"|"T"/);
  });

  it('rotates by size, keeps `keep` old files, and reads across them in order', () => {
    const file = path.join(dir, 'audit.jsonl');
    const log = createAuditLog({ file, maxBytes: 400, keep: 2 });
    for (let n = 0; n < 40; n++) log.write({ ext: 'a.one', kind: 'operation', bytes: n });
    for (const f of [file, `${file}.1`, `${file}.2`]) expect(fs.statSync(f).size).toBeLessThanOrEqual(400);
    expect(fs.existsSync(`${file}.3`)).toBe(false);
    const kept = log.read().map((r) => r.bytes);
    // The newest records, in order, with nothing missing between the first kept and the last.
    expect(kept.at(-1)).toBe(39);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 40 - kept.length + i));
    expect(kept.length).toBeGreaterThan(3);
  });

  it('holds its file open only while records come: closed after a quiet second', () => {
    vi.useFakeTimers();
    const file = path.join(dir, 'audit.jsonl');
    const log = createAuditLog({ file });
    log.write({ ext: 'a.one', kind: 'operation' });
    expect(openOn(file)).toBe(1);
    vi.advanceTimersByTime(1000); // a second with a write: kept open
    log.write({ ext: 'a.one', kind: 'operation' });
    vi.advanceTimersByTime(1000);
    expect(openOn(file)).toBe(1);
    vi.advanceTimersByTime(1000); // a quiet second: closed
    expect(openOn(file)).toBe(0);
    log.write({ ext: 'a.one', kind: 'operation' }); // and reopened on demand
    expect(lines(file)).toHaveLength(3);
  });

  it('after another process rotated the file, records go to the file at the name again', () => {
    vi.useFakeTimers();
    const file = path.join(dir, 'audit.jsonl');
    const log = createAuditLog({ file });
    log.write({ ext: 'a.one', kind: 'operation', bytes: 1 });
    fs.renameSync(file, `${file}.1`); // what a second writer's rotation does
    log.write({ ext: 'a.one', kind: 'operation', bytes: 2 }); // still the open (renamed) file: kept, not lost
    vi.advanceTimersByTime(1000);
    log.write({ ext: 'a.one', kind: 'operation', bytes: 3 });
    expect(lines(`${file}.1`).map((l) => JSON.parse(l).bytes)).toEqual([1, 2]);
    expect(lines(file).map((l) => JSON.parse(l).bytes)).toEqual([3]);
    expect(log.read().map((r) => r.bytes)).toEqual([1, 2, 3]);
  });

  it('a failed write never throws into the host', () => {
    const file = path.join(dir, 'audit.jsonl');
    fs.mkdirSync(file); // the name is a folder: opening it for append fails
    const log = createAuditLog({ file });
    const seen: unknown[] = [];
    log.subscribe((r) => seen.push(r));
    expect(() => log.write({ ext: 'a.one', kind: 'operation' })).not.toThrow();
    expect(seen).toHaveLength(1);
  });
});
