import { describe, expect, it } from 'vitest';
import { formatResult, formatTable, jsonReplacer } from '../../extensions/sdk/cli/format-result';

describe('formatTable', () => {
  it('pads columns to the widest cell and underlines the header', () => {
    expect(
      formatTable(
        ['#', 'note', 'done'],
        [
          [1, 'buy milk', false],
          [10, 'call', true],
        ],
      ).split('\n'),
    ).toEqual(['#   note      done', '--  --------  -----', '1   buy milk  false', '10  call      true']);
  });

  it('shows null as an empty cell and trims trailing spaces', () => {
    expect(
      formatTable(
        ['a', 'b'],
        [
          [null, null],
          ['x', null],
        ],
      ).split('\n'),
    ).toEqual(['a  b', '-  -', '', 'x']);
  });

  it('caps a column at 60 characters with an ellipsis', () => {
    const lines = formatTable(['text'], [['x'.repeat(70)]]).split('\n');
    expect(lines[1]).toBe('-'.repeat(60));
    expect(lines[2]).toBe(`${'x'.repeat(59)}…`);
    expect(lines[2]).toHaveLength(60);
  });

  it('prints only the header for a table without rows', () => {
    expect(formatTable(['name', 'size'], [])).toBe('name  size\n----  ----');
  });
});

describe('formatResult', () => {
  it('prints text and markdown as they are', () => {
    expect(formatResult({ type: 'text', text: 'hello\nworld' })).toBe('hello\nworld');
    expect(formatResult({ type: 'markdown', markdown: '# Title' })).toBe('# Title');
  });

  it('prints json indented, with bytes as base64', () => {
    expect(formatResult({ type: 'json', value: { n: 1, b: new Uint8Array([1, 2, 3]) } })).toBe(
      '{\n  "n": 1,\n  "b": {\n    "$bytes": "AQID"\n  }\n}',
    );
  });

  it('prints a table through formatTable', () => {
    expect(formatResult({ type: 'table', columns: ['k', 'v'], rows: [['a', 1]] })).toBe('k  v\n-  -\na  1');
  });

  it('leaves other values alone in the JSON replacer', () => {
    expect(JSON.stringify({ a: [1, 'x', null] }, jsonReplacer)).toBe('{"a":[1,"x",null]}');
  });
});
