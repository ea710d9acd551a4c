// `warden init` as a developer meets it: the built CLI scaffolds a folder that type-checks against
// the SDK's api.d.ts, builds, validates and runs in the real sandbox without any edit.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/sandbox';

const work = tempDir('warden-init-');
const home = path.join(work, 'home');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const tsc = (dir: string) =>
  new Promise<{ code: number; out: string }>((resolve) =>
    execFile(process.execPath, [TSC, '-p', dir], (err, stdout, stderr) =>
      resolve({ code: err ? 1 : 0, out: stdout + stderr }),
    ),
  );

describe.each([
  { language: 'TypeScript', flags: [] as string[], entry: 'src/extension.ts' },
  { language: 'JavaScript', flags: ['--js'], entry: 'src/extension.js' },
])('warden init ($language)', ({ flags, entry }) => {
  const dir = path.join(work, `hello-${flags.length}`);

  it('scaffolds a folder with the manifest, the source, the API types and next steps', async () => {
    const r = await runCli(['init', dir, '--id', 'acme.hello', '--name', 'Hello', ...flags]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`warden run ${dir} hello.greet --args '{"name":"Ada"}'`);
    expect(fs.readdirSync(dir).sort()).toEqual(
      [
        '.gitignore',
        'README.md',
        'manifest.json',
        'package.json',
        'src',
        'test',
        'tsconfig.json',
        'warden.d.ts',
      ].sort(),
    );
    expect(fs.existsSync(path.join(dir, entry))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'warden.d.ts'), 'utf8')).toContain('export interface Host');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'))).toMatchObject({
      id: 'acme.hello',
      publisher: 'acme',
      name: 'Hello',
      permissions: {},
    });
  });

  it('type-checks against the API types as written', async () => {
    const r = await tsc(dir);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  it('builds, validates and runs in the sandbox; storage persists between runs', async () => {
    expect((await runCli(['build', dir])).code).toBe(0);
    expect((await runCli(['validate', dir])).code).toBe(0);
    const one = await runCli(['run', dir, 'hello.greet', '--args', '{"name":"Ada"}', '--json', '--data-dir', home]);
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout).result.rows[0]).toEqual(['Hello, Ada!', expect.any(Number)]);
    const two = await runCli(['run', dir, 'hello.greet', '--json', '--data-dir', home]);
    const [greeting, count] = JSON.parse(two.stdout).result.rows[0];
    expect(greeting).toBe('Hello, world!');
    expect(count).toBe(JSON.parse(one.stdout).result.rows[0][1] + 1);
  });
});

describe('warden init refuses', () => {
  it('a folder that is not empty, and touches nothing in it', async () => {
    const dir = path.join(work, 'taken');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'manifest.json'), 'mine');
    const r = await runCli(['init', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not empty \(init writes into a new or empty folder only\)/);
    expect(fs.readdirSync(dir)).toEqual(['manifest.json']);
    expect(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).toBe('mine');
  });

  it('an id the manifest would not accept, saying what is expected, and writes nothing', async () => {
    const dir = path.join(work, 'bad-id');
    const noDot = await runCli(['init', dir, '--id', 'hello']);
    expect(noDot.code).toBe(2);
    expect(noDot.stderr).toMatch(/--id expects "<publisher>.<name>"/);
    const upper = await runCli(['init', dir, '--id', 'Acme.hello']);
    expect(upper.code).toBe(2);
    expect(upper.stderr).toMatch(/cannot scaffold: manifest\.json: id: expected "<publisher>.<name>" in lowercase/);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('names the id after the folder when --id is not given', async () => {
    const dir = path.join(work, 'My Tool');
    const r = await runCli(['init', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'))).toMatchObject({
      id: 'my-publisher.my-tool',
      name: 'My Tool',
    });
  });
});

// Developers coming from ES modules write `export default { activate }` or
// `export default function activate(host)`; `warden build` makes CommonJS of it, and the sandbox
// finds activate (and deactivate) there too.
describe.each([
  {
    shape: 'export default { activate, deactivate }',
    source: `export default {
      activate(h: typeof host) { h.commands.register('hello.greet', () => 'from a default object'); },
      deactivate() {},
    };`,
    expected: 'from a default object',
  },
  {
    shape: 'export default function activate(host)',
    source: `export default function activate(h: typeof host) { h.commands.register('hello.greet', () => 'from a default function'); }`,
    expected: 'from a default function',
  },
])('an ES module extension: $shape', ({ source, expected }) => {
  it('builds and runs', async () => {
    const dir = path.join(work, `esm-${expected.split(' ').pop()}`);
    expect((await runCli(['init', dir, '--id', 'acme.hello'])).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'src', 'extension.ts'), `/// <reference path="../warden.d.ts" />\n${source}\n`);
    expect((await runCli(['build', dir])).code).toBe(0);
    const r = await runCli(['run', dir, 'hello.greet', '--json', '--data-dir', home]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).result).toEqual({ type: 'text', text: expected });
  });
});
