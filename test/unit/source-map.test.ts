// Source maps as the sandbox reads them: positions in an esbuild bundle map back to the author's
// TypeScript; malformed maps give no position (never a wrong one or an exception); the host reads
// map files bounded, strictly and without following links.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as esbuild from 'esbuild';
import {
  createPositionMapper,
  mapLocation,
  SourceMapFileSchema,
  sourceDisplayName,
  toSourceMapData,
} from '../../electron/common/source-map';
import { parseStrictJson, StrictJsonError } from '../../electron/common/strict-json';
import { readSourceMap } from '../../electron/core/bundle/source-map-file';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-map-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const SOURCE = [
  'interface Shape { kind: string }', // 1
  'export function area(s: Shape): number {', // 2
  "  if (s.kind === 'bad') throw new Error('bad shape');", // 3
  '  return 42;', // 4
  '}', // 5
].join('\n');

async function bundle() {
  fs.mkdirSync(path.join(work, 'src'), { recursive: true });
  fs.writeFileSync(path.join(work, 'src', 'extension.ts'), SOURCE);
  const out = await esbuild.build({
    absWorkingDir: work,
    entryPoints: ['src/extension.ts'],
    outfile: path.join(work, 'dist', 'extension.js'),
    bundle: true,
    format: 'cjs',
    sourcemap: 'linked',
    sourcesContent: false,
    write: false,
    logLevel: 'silent',
  });
  const js = out.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
  const map = JSON.parse(out.outputFiles.find((f) => f.path.endsWith('.map'))!.text) as unknown;
  return { js, map: SourceMapFileSchema.parse(map) };
}

describe('createPositionMapper', () => {
  it('maps the bundle position of a throw back to the TypeScript line', async () => {
    const { js, map } = await bundle();
    const data = toSourceMapData(map, 'dist/extension.js');
    expect(data.sources).toEqual(['src/extension.ts']);
    const lines = js.split('\n');
    const lineNo = lines.findIndex((l) => l.includes("new Error('bad shape')") || l.includes('new Error("bad shape")'));
    expect(lineNo).toBeGreaterThan(3); // the bundle's line is not the source's
    const column = lines[lineNo]!.indexOf('throw') + 1;
    const mapper = createPositionMapper(data);
    expect(mapper(lineNo + 1, column)).toEqual({ source: 'src/extension.ts', line: 3, column: 25 });
    expect(mapLocation(mapper, 'dist/extension.js', lineNo + 1, column)).toBe('src/extension.ts:3:25');
    // A line the map says nothing about keeps the bundle's name.
    expect(mapLocation(mapper, 'dist/extension.js', 10_000, 1)).toBe('dist/extension.js:10000:1');
  });

  it('gives no position for malformed mappings, out-of-range sources or overlong numbers', () => {
    for (const mappings of ['AAAA;!!', 'ACAA', 'AAAA,AAAAAAA', 'gggggggggggggA', 'AA']) {
      const mapper = createPositionMapper({ sources: ['a.ts'], mappings });
      expect(() => mapper(1, 1)).not.toThrow();
      expect(mapper(1, 1)).toBeUndefined();
    }
    expect(createPositionMapper({ sources: ['a.ts'], mappings: 'AAAA' })(1, 1)).toEqual({
      source: 'a.ts',
      line: 1,
      column: 1,
    });
  });
});

describe('sourceDisplayName', () => {
  it('names sources relative to the extension folder, never outside it', () => {
    expect(sourceDisplayName('../src/a.ts', 'dist')).toBe('src/a.ts');
    expect(sourceDisplayName('../node_modules/lib/index.js', 'dist')).toBe('node_modules/lib/index.js');
    expect(sourceDisplayName('../../../home/ada/secret/a.ts', 'dist')).toBe('ada/secret/a.ts');
    expect(sourceDisplayName('/Users/ada/project/src/a.ts', 'dist')).toBe('project/src/a.ts');
    expect(sourceDisplayName('file:///C:/x/y/z.ts', 'dist')).toBe('x/y/z.ts');
    expect(sourceDisplayName('a\u0000b\nc.ts', '')).toBe('abc.ts');
    expect(sourceDisplayName(null, 'dist')).toBe('(unknown)');
  });
});

describe('parseStrictJson', () => {
  it('refuses duplicate keys at any depth and deep nesting; accepts the rest as JSON.parse does', () => {
    expect(parseStrictJson('{"a":1,"b":{"a":2},"c":["a","a"]}')).toEqual({ a: 1, b: { a: 2 }, c: ['a', 'a'] });
    expect(() => parseStrictJson('{"a":1,"a":2}')).toThrow(StrictJsonError);
    expect(() => parseStrictJson('{"x":{"m":"\\"","m" : 3}}')).toThrow(/duplicate key "m"/);
    expect(() => parseStrictJson('{"\\u0061":1,"a":2}')).toThrow(StrictJsonError);
    expect(() => parseStrictJson('['.repeat(100) + ']'.repeat(100))).toThrow(/nested deeper/);
    expect(() => parseStrictJson('{"a":')).toThrow(SyntaxError);
  });
});

describe('readSourceMap (host side)', () => {
  const main = path.join(work, 'r', 'dist', 'extension.js');
  fs.mkdirSync(path.dirname(main), { recursive: true });
  const good = { version: 3, sources: ['../src/a.ts'], names: [], mappings: 'AAAA' };

  it('reads a map beside the bundle as display names and mappings', async () => {
    fs.writeFileSync(`${main}.map`, JSON.stringify(good));
    expect(await readSourceMap(main, 'dist/extension.js')).toEqual({ sources: ['src/a.ts'], mappings: 'AAAA' });
  });

  it('treats a missing, oversized, duplicate-keyed, misshapen or linked map as no map', async () => {
    fs.rmSync(`${main}.map`, { force: true });
    expect(await readSourceMap(main, 'dist/extension.js')).toBeUndefined();
    fs.writeFileSync(`${main}.map`, JSON.stringify(good));
    expect(await readSourceMap(main, 'dist/extension.js', 10)).toBeUndefined();
    fs.writeFileSync(`${main}.map`, '{"version":3,"sources":[],"mappings":"","mappings":"AAAA"}');
    expect(await readSourceMap(main, 'dist/extension.js')).toBeUndefined();
    fs.writeFileSync(`${main}.map`, JSON.stringify({ ...good, version: 2 }));
    expect(await readSourceMap(main, 'dist/extension.js')).toBeUndefined();
    fs.rmSync(`${main}.map`);
    const elsewhere = path.join(work, 'elsewhere.map');
    fs.writeFileSync(elsewhere, JSON.stringify(good));
    fs.symlinkSync(elsewhere, `${main}.map`);
    expect(await readSourceMap(main, 'dist/extension.js')).toBeUndefined();
  });
});
