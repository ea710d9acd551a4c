// Source maps end to end through the built CLI: `warden build` writes <main>.map (and `pack` ships
// it), and what the sandbox reports — a thrown error, its stack, console lines, a load error, a
// build error — names the author's TypeScript file and line, not the bundle's.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/sandbox';

const work = tempDir('warden-maps-');
const home = path.join(work, 'home');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A scaffolded extension (`warden init`) whose source is replaced by `lines`. */
async function extension(name: string, lines: string[]): Promise<string> {
  const dir = path.join(work, name);
  const init = await runCli(['init', dir, '--id', `acme.${name}`]);
  expect(init.code, init.stderr).toBe(0);
  fs.writeFileSync(path.join(dir, 'src', 'extension.ts'), lines.join('\n'));
  return dir;
}

const THROWS = [
  '/// <reference path="../warden.d.ts" />', // 1
  'type Shape = { kind: string };', // 2
  'function check(s: Shape): number {', // 3
  "  if (s.kind !== 'ok') throw new Error(`bad shape: ${s.kind}`);", // 4
  '  return 1;', // 5
  '}', // 6
  'export function activate(): void {', // 7
  "  host.commands.register('throws.greet', async () => {", // 8
  "    console.error('about to fail', new Error('logged'));", // 9
  "    console.warn('careful');", // 10
  "    return check({ kind: 'square' });", // 11
  '  });', // 12
  '}', // 13
];

describe('warden build + run with a source map', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await extension('throws', THROWS);
    const built = await runCli(['build', dir]);
    expect(built.code, built.stderr).toBe(0);
  });

  it('writes <main>.map beside the bundle, linked from it, without the sources’ text', () => {
    const map = JSON.parse(fs.readFileSync(path.join(dir, 'dist', 'extension.js.map'), 'utf8'));
    expect(map.version).toBe(3);
    expect(map.sources).toEqual(['../src/extension.ts']);
    expect(map.sourcesContent).toBeUndefined();
    expect(fs.readFileSync(path.join(dir, 'dist', 'extension.js'), 'utf8')).toContain(
      '//# sourceMappingURL=extension.js.map',
    );
  });

  it('a thrown error, its stack and console lines name src/extension.ts lines', async () => {
    const r = await runCli(['run', dir, 'throws.greet', '--verbose', '--data-dir', home]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /throws\.greet failed: EEXTENSION: Error: bad shape: square \(at src\/extension\.ts:4:\d+\)/,
    );
    // The stack: check() then the command handler, both in the TypeScript source.
    expect(r.stderr).toMatch(/\n {4}at check \(src\/extension\.ts:4:\d+\)\n {4}at .*src\/extension\.ts:11:\d+/);
    // console.error: the logged Error where it was made, and the caller's line.
    expect(r.stderr).toMatch(
      /about to fail Error: logged \(at src\/extension\.ts:9:\d+\) \(at src\/extension\.ts:9:\d+\)/,
    );
    expect(r.stderr).toMatch(/careful \(at src\/extension\.ts:10:\d+\)/);
    expect(r.stderr).not.toContain('dist/extension.js');
  });

  it('--json carries the mapped location and stack', async () => {
    const r = await runCli(['run', dir, 'throws.greet', '--json', '--data-dir', home]);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(false);
    expect(out.error.location).toMatch(/^src\/extension\.ts:4:\d+$/);
    expect(out.error.stack[0]).toMatch(/^at check \(src\/extension\.ts:4:\d+\)$/);
  });

  it('without the map the same error names the bundle (the map is what maps)', async () => {
    const copy = path.join(work, 'throws-nomap');
    fs.cpSync(dir, copy, { recursive: true });
    fs.rmSync(path.join(copy, 'dist', 'extension.js.map'));
    const r = await runCli(['run', copy, 'throws.greet', '--json', '--data-dir', home]);
    expect(JSON.parse(r.stdout).error.location).toMatch(/^dist\/extension\.js:\d+:\d+$/);
  });

  it('warden pack ships the map in the .wext', async () => {
    const key = path.join(work, 'publisher.key');
    expect((await runCli(['keygen', '--out', key])).code).toBe(0);
    const out = path.join(work, 'throws.wext');
    const packed = await runCli(['pack', dir, '--key', key, '--out', out]);
    expect(packed.code, packed.stderr).toBe(0);
    const verified = JSON.parse((await runCli(['verify', out, '--json'])).stdout);
    expect(verified.ok).toBe(true);
    expect(fs.readFileSync(out).includes('dist/extension.js.map')).toBe(true);
  });
});

describe('load and build errors', () => {
  it('an error thrown while loading names the source line', async () => {
    const dir = await extension('loadfail', [
      '/// <reference path="../warden.d.ts" />',
      'const table: Record<string, number> = {};',
      "if (!table.x) throw new RangeError('no x in the table');",
      'export function activate(): void {}',
    ]);
    expect((await runCli(['build', dir])).code).toBe(0);
    const r = await runCli(['run', dir, 'loadfail.greet', '--data-dir', home]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/src\/extension\.ts threw while loading: RangeError: no x in the table/);
    expect(r.stderr).toMatch(/\(at src\/extension\.ts:3:\d+\)/);
  });

  it('a construct the sandbox cannot run fails the build naming the source line', async () => {
    const dir = await extension('dynimport', [
      '/// <reference path="../warden.d.ts" />',
      'export function activate(): void {',
      "  host.commands.register('dynimport.greet', async ({ name }) => {",
      '    const mod = String(name);',
      '    return (await import(mod)) as never;',
      '  });',
      '}',
    ]);
    const r = await runCli(['build', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/build failed: src\/extension\.ts:5:\d+: dynamic import\(\) cannot run/);
  });
});
