import { describe, expect, it } from 'vitest';
import { normalizeCommandResult } from '../../electron/common/command-result';
import type { DataValue } from '../../electron/common/data-value';

const problemOf = (value: DataValue): string => {
  const r = normalizeCommandResult(value);
  if (r.ok) throw new Error(`unexpectedly accepted: ${JSON.stringify(value)}`);
  return r.problem;
};

describe('normalizeCommandResult', () => {
  it('shows a string as text, and nothing as empty text', () => {
    expect(normalizeCommandResult('hello')).toEqual({ ok: true, result: { type: 'text', text: 'hello' } });
    expect(normalizeCommandResult(undefined)).toEqual({ ok: true, result: { type: 'text', text: '' } });
    expect(normalizeCommandResult(null)).toEqual({ ok: true, result: { type: 'text', text: '' } });
  });

  it.each<[string, DataValue]>([
    ['text', { type: 'text', text: 'a' }],
    ['markdown', { type: 'markdown', markdown: '# Title' }],
    [
      'table',
      {
        type: 'table',
        columns: ['name', 'n', 'ok', 'none'],
        rows: [
          ['a', 1, true, null],
          ['b', 2.5, false, null],
        ],
      },
    ],
    ['empty table', { type: 'table', columns: ['only'], rows: [] }],
    ['json', { type: 'json', value: { nested: [1, { x: 'y' }] } }],
  ])('passes a valid %s result through unchanged', (_what, value) => {
    expect(normalizeCommandResult(value)).toEqual({ ok: true, result: value });
  });

  it.each<[string, DataValue]>([
    ['an object without a type', { count: 3, items: ['a'] }],
    ['an array', [1, 2, 3]],
    ['a number', 42],
    ['a boolean', false],
  ])('shows %s as json', (_what, value) => {
    expect(normalizeCommandResult(value)).toEqual({ ok: true, result: { type: 'json', value } });
  });

  it('refuses a table row whose length differs from the columns, naming the row', () => {
    expect(
      problemOf({
        type: 'table',
        columns: ['a', 'b'],
        rows: [
          [1, 2],
          [3, 4],
          [5, 6, 7],
        ],
      }),
    ).toBe('result.rows[2]: expected 2 cells, one per column');
    expect(problemOf({ type: 'table', columns: ['a', 'b'], rows: [[1]] })).toBe(
      'result.rows[0]: expected 2 cells, one per column',
    );
  });

  it('refuses a misspelled typed shape instead of showing it as json', () => {
    const p = problemOf({ type: 'table', colums: ['a'], rows: [] });
    expect(p).toContain('result.columns: expected array, received undefined');
    expect(p).toContain('unknown key "colums"');
  });

  it('refuses an unknown result type, listing the known ones', () => {
    const p = problemOf({ type: 'tabel', columns: ['a'], rows: [] });
    expect(p).toMatch(/^result\.type: /);
    for (const t of ['text', 'markdown', 'table', 'json']) expect(p).toContain(t);
  });

  it('refuses a typed shape with a field of the wrong type or an extra field', () => {
    expect(problemOf({ type: 'text', text: 5 })).toBe('result.text: expected string, received number');
    expect(problemOf({ type: 'markdown', markdown: 'x', title: 'y' })).toContain('unknown key "title"');
  });

  it('refuses a table without columns, and cells that are not scalars', () => {
    expect(problemOf({ type: 'table', columns: [], rows: [] })).toMatch(/^result\.columns: .*1/);
    expect(problemOf({ type: 'table', columns: ['a'], rows: [[{ nested: 1 }]] })).toMatch(/^result\.rows\[0\]\[0\]/);
  });
});
