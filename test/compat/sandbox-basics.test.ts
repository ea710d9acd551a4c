// What ordinary libraries assume about their environment, checked in the real sandbox with
// hand-written bundles (test/compat/bundles/): global detection, the override mistake, the
// web-platform basics, and, for what the sandbox cannot do, a load failure that says what and
// where instead of an opaque SES error.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeExtension } from '../helpers/sandbox';

const BUNDLES = path.join(__dirname, 'bundles');
let parent: string;
let dataDir: string;
beforeAll(() => {
  parent = tempDir('warden-basics-');
  dataDir = tempDir('warden-basics-data-');
});
afterAll(() => {
  fs.rmSync(parent, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface RunOutput {
  code: number;
  stderr: string;
  out: { ok: boolean; result?: { type: string; value: unknown }; error?: { code: string; message: string } };
}

async function runBundle(name: string): Promise<RunOutput> {
  const dir = writeExtension(parent, {
    id: `compat.${name}`,
    source: fs.readFileSync(path.join(BUNDLES, `${name}.js`), 'utf8'),
  });
  const r = await runCli(['run', dir, 'run', '--json', '--data-dir', dataDir]);
  return { code: r.code, stderr: r.stderr, out: JSON.parse(r.stdout) as RunOutput['out'] };
}

describe('the environment libraries assume', () => {
  it('finds the global object, overrides inherited properties and has the web basics', async () => {
    const { out } = await runBundle('sandbox-basics');
    expect(out.error).toBeUndefined();
    expect(out.result?.value).toEqual({
      globals: {
        globalThis: 'object',
        global: true,
        self: true,
        window: 'undefined', // libraries take `window` to mean a DOM
        indirectEval: true,
        // Function bodies are strict in a compartment: `this` is undefined (COMPATIBILITY.md).
        functionReturnThis: 'undefined',
        lodashRoot: true,
        underscoreRoot: true,
        umd: true,
        newFunction: 42,
      },
      overrides: {
        objectToString: 'custom',
        exportsHasOwnProperty: 1,
        errorSubclass: [true, true, 'MyError', '<m>'],
        typeErrorConstructor: 'replaced',
        // Not enabled by any SES overrideTaming (see COMPATIBILITY.md; this is why mathjs fails).
        rangeErrorConstructor: 'assigned',
        arrayPush: [4],
        mapSet: 2,
        functionToString: 'f!',
        // The shared intrinsics themselves stay frozen.
        intrinsicStillFrozen: "TypeError: Cannot assign to read only property 'push' of 'root.%ArrayPrototype%.push'",
      },
      web: {
        text: 'héllo ✓',
        url: 'https://example.com/b?x=1#h',
        searchParams: 'a=1+2&b=%C3%A9',
        base64: ['aGkh', 'hi!'],
        randomBytes: 16,
        randomUUID: true,
        structuredClone: [true, '1970-01-01T00:00:00.000Z'],
        order: ['sync', 'microtask', 'promise', 'timeout'],
        performance: true,
        floats: [0.5, 1.5, 0.25],
        clock: true,
        random: true,
        bigint: '18446744073709551616',
      },
      missing: [],
    });
  });
});

describe('what the sandbox cannot run fails at load, saying what and where', () => {
  it('a dynamic import()', async () => {
    const { code, out } = await runBundle('dynamic-import');
    expect(code).toBe(2);
    expect(out.error).toEqual({
      code: 'EINVAL',
      message:
        'dist/extension.js:5: dynamic import() cannot run in the sandbox, which loads no modules at run time (bundle them with `warden build`)',
    });
  });

  it('a direct eval', async () => {
    const { out } = await runBundle('direct-eval');
    expect(out.error).toEqual({
      code: 'EINVAL',
      message:
        'dist/extension.js:5: a direct eval(...) cannot run in the sandbox: bundle the code it would run with `warden build`, and parse data (JSON.parse) instead of evaluating it; code fetched or stored at run time must not be run as code',
    });
    expect(out.error?.message).not.toContain('new Function');
  });

  it('"<!--" in a tagged template, which cannot be respelled', async () => {
    const { out } = await runBundle('tagged-template');
    expect(out.error).toEqual({
      code: 'EINVAL',
      message:
        'dist/extension.js:3: contains "<!--" or "-->" where it cannot be rewritten (e.g. a tagged template), which the sandbox rejects',
    });
  });

  it('WebAssembly', async () => {
    const { out } = await runBundle('webassembly');
    expect(out.error).toEqual({
      code: 'EEXTENSION',
      message:
        "dist/extension.js threw while loading: TypeError: Cannot read properties of undefined (reading 'Memory') — " +
        '`WebAssembly` is not available in the Warden sandbox (see extensions/sdk/COMPATIBILITY.md)',
      location: 'dist/extension.js:3:32',
      stack: [expect.stringContaining('dist/extension.js:3:32')],
    });
  });

  it("Node's process", async () => {
    const { out, stderr } = await runBundle('node-process');
    expect(out.error).toEqual({
      code: 'EEXTENSION',
      message:
        "dist/extension.js threw while loading: TypeError: Cannot read properties of undefined (reading 'env') — " +
        '`process` is a Node.js API, which Warden extensions do not have: use the `host` API (host.fs, host.net, …)',
      location: 'dist/extension.js:3:23',
      stack: [expect.stringContaining('dist/extension.js:3:23')],
    });
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});

describe('warden build', () => {
  it('refuses a bundle with a dynamic import(), naming the source file and line (through the source map)', async () => {
    const dir = path.join(parent, 'dynamic');
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify({
        id: 'compat.dynamic',
        name: 'Dynamic',
        version: '1.0.0',
        publisher: 'compat',
        main: 'dist/extension.js',
        engines: { warden: '^1.0.0' },
        contributes: { commands: [{ id: 'run', title: 'Run' }] },
      }),
    );
    fs.writeFileSync(
      path.join(dir, 'src', 'extension.js'),
      [
        '// Loads a plugin chosen at run time: the bundler cannot include it.',
        'exports.activate = () => {',
        "  host.commands.register('run', async ({ name }) => (await import(name)).default);",
        '};',
        '',
      ].join('\n'),
    );
    const r = await runCli(['build', dir]);
    expect(r.code).toBe(1);
    const bundle = fs.existsSync(path.join(dir, 'dist', 'extension.js'));
    expect(bundle).toBe(false);
    expect(r.stderr).toMatch(
      /^warden: build failed: src\/extension\.js:3:\d+: dynamic import\(\) cannot run in the Warden sandbox$/m,
    );
  });
});
