// The strike book keeps strikes, not only quarantine, in its file: books opened one after another
// on the same file (separate `warden run` processes) add up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStrikeBook } from '../../electron/core/governance/strikes';

let dir: string | undefined;
afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));
const file = () => path.join((dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-strikes-'))), 'quarantine.json');

describe('strike book', () => {
  it('three strikes from three separate books on one file quarantine; a fourth is not recorded', () => {
    const f = file();
    expect(createStrikeBook({ file: f }).strike('a.b', 'one')).toBeUndefined();
    expect(createStrikeBook({ file: f }).strike('a.b', 'two')).toBeUndefined();
    const q = createStrikeBook({ file: f }).strike('a.b', 'three');
    expect(q?.reason).toBe('3 strikes in 10 min; last: three');
    const later = createStrikeBook({ file: f });
    expect(later.quarantined('a.b')).toBeDefined();
    expect(later.strike('a.b', 'the kill that enforced it')).toBeUndefined();
    expect(later.strikes('a.b')).toHaveLength(3);
  });

  it('strikes outside the window do not count; release forgets them', () => {
    const f = file();
    let t = 0;
    const now = () => t;
    createStrikeBook({ file: f, now }).strike('a.b', 'old');
    t = 11 * 60_000;
    createStrikeBook({ file: f, now }).strike('a.b', 'new');
    expect(
      createStrikeBook({ file: f, now })
        .strikes('a.b')
        .map((s) => s.reason),
    ).toEqual(['new']);
    const book = createStrikeBook({ file: f, now });
    book.strike('a.b', 'again');
    book.strike('a.b', 'and again');
    expect(book.quarantined('a.b')).toBeDefined();
    expect(createStrikeBook({ file: f, now }).release('a.b')).toBe(true);
    expect(createStrikeBook({ file: f, now }).strikes('a.b')).toEqual([]);
  });

  it('a book sees a release another process wrote', () => {
    const f = file();
    const serve = createStrikeBook({ file: f });
    for (const r of ['1', '2', '3']) serve.strike('a.b', r);
    expect(serve.quarantined('a.b')).toBeDefined();
    expect(createStrikeBook({ file: f }).release('a.b')).toBe(true);
    expect(serve.quarantined('a.b')).toBeUndefined();
  });
});
