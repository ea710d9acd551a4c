// Broken extensions and bad invocations, through the real `warden` CLI as a developer runs it:
// the right exit code, one clear line naming the problem, and never a host stack or host path.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, writeExtension, type CliRun, type FixtureSpec } from '../helpers/sandbox';

let parent: string;
let dataDir: string;
beforeAll(() => {
  parent = tempDir('warden-bad-');
  dataDir = tempDir('warden-bad-data-');
});
afterAll(() => {
  fs.rmSync(parent, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Writes an extension folder, then lets `edit` break it. */
function extension(spec: Partial<FixtureSpec> & { edit?(dir: string): void }): string {
  const dir = writeExtension(parent, {
    commands: ['run', 'other'],
    source: `exports.activate = () => host.commands.register('run', () => 'ok');`,
    ...spec,
  });
  spec.edit?.(dir);
  return dir;
}

function run(dir: string, command: string, ...extra: string[]): Promise<CliRun> {
  return runCli(['run', dir, command, '--data-dir', dataDir, ...extra]);
}

/** What every failure must look like on stderr, apart from the extension dir the user passed. */
function expectCleanFailure(r: CliRun, dir: string): void {
  expect(r.stderr).not.toMatch(/^\s+at /m);
  const scrubbed = r.stderr.split(dir).join('<dir>');
  expect(scrubbed).not.toContain(ROOT);
  expect(scrubbed).not.toContain(dataDir);
  expect(scrubbed).not.toMatch(/node:internal|node_modules|bootstrap\.cjs|warden\.cjs/);
  expect(r.stderr).toMatch(/^warden: /);
}

/** The single line a failure prints (fails the test if there is more than one). */
function oneLine(r: CliRun): string {
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0]!;
}

interface JsonFailure {
  ok: false;
  error: { code: string; message: string; location?: string; reason?: string };
}

function jsonFailure(r: CliRun): JsonFailure {
  const out = JSON.parse(r.stdout) as JsonFailure;
  expect(out.ok).toBe(false);
  expect(typeof out.error.code).toBe('string');
  expect(typeof out.error.message).toBe('string');
  return out;
}

describe('invalid extensions (exit 2)', () => {
  it('names the manifest field that is wrong', async () => {
    const dir = extension({ manifest: { version: '1.0' } });
    const r = await run(dir, 'run');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(oneLine(r)).toBe(
      'warden: invalid extension: manifest.json: version: expected a semantic version like "1.2.0"',
    );
    expectCleanFailure(r, dir);
  });

  it('names an unknown manifest key', async () => {
    const dir = extension({ edit: (d) => rewriteManifest(d, (m) => ({ ...m, permisions: {} })) });
    const r = await run(dir, 'run');
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe(
      'warden: invalid extension: manifest.json: (root): unknown key "permisions" (not part of the schema)',
    );
  });

  it('gives the line and column of a manifest that is not JSON', async () => {
    const dir = extension({
      edit: (d) => fs.writeFileSync(path.join(d, 'manifest.json'), '{\n  "id": "t.x",\n  "name": "X",,\n}\n'),
    });
    const r = await run(dir, 'run');
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/^warden: invalid extension: manifest\.json: not valid JSON: .* at line 3, column 15$/);
    expectCleanFailure(r, dir);
  });

  it('names a missing manifest', async () => {
    const dir = extension({ edit: (d) => fs.rmSync(path.join(d, 'manifest.json')) });
    const r = await run(dir, 'run');
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe(`warden: invalid extension: manifest.json not found in ${dir}`);
    expectCleanFailure(r, dir);
  });

  it('names a missing bundle', async () => {
    const dir = extension({ edit: (d) => fs.rmSync(path.join(d, 'dist', 'extension.js')) });
    const r = await run(dir, 'run');
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe(
      'warden: invalid extension: dist/extension.js: not found (manifest.json "main"; run `warden build` first?)',
    );
    expectCleanFailure(r, dir);
  });

  it('gives the file, line and column of a bundle that does not parse', async () => {
    const dir = extension({
      source: `exports.activate = () => {\n  host.commands.register('run', () => 1);\n  const = 5;\n};\n`,
    });
    const r = await run(dir, 'run');
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe('warden: run failed: EINVAL: dist/extension.js:3:9: SyntaxError: Unexpected token');
    expectCleanFailure(r, dir);
    const json = jsonFailure(await run(dir, 'run', '--json'));
    expect(json.error).toEqual({ code: 'EINVAL', message: 'dist/extension.js:3:9: SyntaxError: Unexpected token' });
  });

  it('reports a bundle that throws while loading, with where', async () => {
    const dir = extension({ source: `const a = 1;\nthrow new Error('load boom ' + a);\n` });
    const r = await run(dir, 'run');
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe(
      'warden: run failed: EEXTENSION: dist/extension.js threw while loading: Error: load boom 1 (at dist/extension.js:2:7)',
    );
    expectCleanFailure(r, dir);
  });

  it('lists the known commands for a command the extension does not contribute', async () => {
    const dir = extension({ id: 'bad.unknown-command' });
    const r = await run(dir, 'nope');
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe('warden: bad.unknown-command has no command "nope" (contributes: run, other)');
    expectCleanFailure(r, dir);
  });
});

describe('bad usage (exit 2)', () => {
  it('refuses --args that is not JSON', async () => {
    const dir = extension({});
    const r = await run(dir, 'run', '--args', '{bad');
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/^warden: --args is not valid JSON: /);
    expectCleanFailure(r, dir);
  });

  it('refuses an unknown option', async () => {
    const dir = extension({});
    const r = await run(dir, 'run', '--frobnicate');
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/^warden: Unknown option '--frobnicate'.*\(try: warden run --help\)$/);
    expectCleanFailure(r, dir);
  });

  it('refuses a bad --timeout and a missing command id', async () => {
    const dir = extension({});
    const t = await run(dir, 'run', '--timeout', 'soon');
    expect(t.code).toBe(2);
    expect(oneLine(t)).toBe('warden: --timeout expects a positive number of milliseconds');
    const m = await runCli(['run', dir]);
    expect(m.code).toBe(2);
    expect(oneLine(m)).toBe('warden: run takes <extension-dir> <command-id>');
  });
});

describe('commands that fail (exit 1)', () => {
  it('reports an activate() that throws, with its message and location', async () => {
    const dir = extension({ source: `exports.activate = () => {\n  throw new Error('database is on fire');\n};\n` });
    const r = await run(dir, 'run');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe(
      'warden: run failed: EEXTENSION: activate() failed: Error: database is on fire (at dist/extension.js:2:9)',
    );
    expectCleanFailure(r, dir);
    expect(jsonFailure(await run(dir, 'run', '--json')).error).toEqual({
      code: 'EEXTENSION',
      message: 'activate() failed: Error: database is on fire',
      location: 'dist/extension.js:2:9',
      stack: ['at exports.activate (dist/extension.js:2:9)'],
    });
  });

  it('reports a contributed command that activate() did not register', async () => {
    const dir = extension({ source: `exports.activate = () => host.commands.register('other', () => 1);` });
    const r = await run(dir, 'run');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe(
      'warden: run failed: EINVAL: command "run" is declared in manifest.json but activate() did not register it',
    );
    expectCleanFailure(r, dir);
  });

  it('shows where in the bundle a command threw', async () => {
    const dir = extension({
      source: [
        `exports.activate = () => {`,
        `  host.commands.register('run', ({ n }) => {`,
        `    if (n > 1)`,
        `      throw new RangeError('n is too big: ' + n);`,
        `  });`,
        `};`,
      ].join('\n'),
    });
    const r = await run(dir, 'run', '--args', '{"n": 5}');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe('warden: run failed: EEXTENSION: RangeError: n is too big: 5 (at dist/extension.js:4:13)');
    expectCleanFailure(r, dir);
    expect(jsonFailure(await run(dir, 'run', '--args', '{"n": 5}', '--json')).error).toEqual({
      code: 'EEXTENSION',
      message: 'RangeError: n is too big: 5',
      location: 'dist/extension.js:4:13',
      stack: ['at dist/extension.js:4:13'],
    });
  });

  it('keeps the code of a host error the command lets through', async () => {
    const dir = extension({
      source: `exports.activate = () => host.commands.register('run', () => host.fs.readText('/etc/passwd'));`,
    });
    const r = await run(dir, 'run');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toMatch(
      /^warden: run failed: EPERM \(undeclared\): fs\.read \/etc\/passwd: not declared in manifest\.json permissions/,
    );
    const json = jsonFailure(await run(dir, 'run', '--json'));
    expect(json.error).toMatchObject({ code: 'EPERM', reason: 'undeclared' });
  });

  it('reports a command that never answers once --timeout passes', async () => {
    const dir = extension({
      source: `exports.activate = () => host.commands.register('run', () => new Promise(() => {}));`,
    });
    const r = await run(dir, 'run', '--timeout', '700');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe('warden: run failed: ETIMEDOUT: command "run" did not finish within 700 ms');
    expectCleanFailure(r, dir);
    expect(jsonFailure(await run(dir, 'run', '--timeout', '700', '--json')).error).toEqual({
      code: 'ETIMEDOUT',
      message: 'command "run" did not finish within 700 ms',
    });
  });

  it('reports an extension whose process dies (heap cap) with a clear last line', async () => {
    const dir = extension({
      manifest: { limits: { memoryMb: 32 } },
      source: `exports.activate = () => host.commands.register('run', () => {
        const keep = [];
        for (;;) keep.push(new Array(100000).fill(1.5));
      });`,
    });
    const r = await run(dir, 'run');
    expect(r.code).toBe(1);
    // The host also logs the crash as a warning; the last line is the verdict.
    const last = r.stderr.trimEnd().split('\n').at(-1);
    expect(last).toMatch(/^warden: run failed: EQUOTA: the extension (ran out of memory|process exited)/);
    expectCleanFailure(r, dir);
    const json = jsonFailure(await run(dir, 'run', '--json'));
    expect(json.error.code).toBe('EQUOTA'); // heap OOM is a memory quota (issue 12 item 2)
  });

  it('reports a result that is not a valid result shape', async () => {
    const dir = extension({
      source: `exports.activate = () => host.commands.register('run', () => ({ type: 'table', columns: ['a', 'b'], rows: [[1]] }));`,
    });
    const r = await run(dir, 'run');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe('warden: run failed: EINVAL: result.rows[0]: expected 2 cells, one per column');
  });
});

describe('--json for failures found before the extension runs', () => {
  // Regression: failures found before the command runs once printed nothing on stdout with --json.
  it('prints {ok:false,error} on stdout for an invalid manifest', async () => {
    const dir = extension({ manifest: { version: '1.0' } });
    const r = await run(dir, 'run', '--json');
    expect(r.code).toBe(2);
    expect(jsonFailure(r).error.message).toContain('version');
  });

  it('prints {ok:false,error} on stdout for an unknown command', async () => {
    const dir = extension({});
    const r = await run(dir, 'nope', '--json');
    expect(r.code).toBe(2);
    expect(jsonFailure(r).error.message).toContain('nope');
  });

  it('still exits 2 with one clean line on stderr', async () => {
    const dir = extension({ edit: (d) => fs.rmSync(path.join(d, 'dist', 'extension.js')) });
    const r = await run(dir, 'run', '--json');
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/^warden: invalid extension: dist\/extension\.js: not found/);
    expectCleanFailure(r, dir);
  });
});

describe('guest error locations', () => {
  // Regression: the wrapper `(function (exports, module) {` shares the bundle's first line, and
  // columns of frames on line 1 were once 29 too large (a minified bundle is all line 1).
  it('gives the real column of a throw on line 1', async () => {
    const dir = extension({
      source: `exports.activate = () => host.commands.register('run', () => { throw new Error('one-liner'); });`,
    });
    const r = await run(dir, 'run', '--json');
    const col = `exports.activate = () => host.commands.register('run', () => { throw `.length + 1;
    expect(jsonFailure(r).error.location).toBe(`dist/extension.js:1:${col}`);
  });
});

function rewriteManifest(dir: string, edit: (m: Record<string, unknown>) => Record<string, unknown>): void {
  const file = path.join(dir, 'manifest.json');
  fs.writeFileSync(file, JSON.stringify(edit(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)));
}
