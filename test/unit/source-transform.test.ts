// The SES censorship-evading rewrite: each case runs the original and the rewritten program in
// plain Node (vm) and requires the same result, and requires that SES would accept the rewrite.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { evadeCensorship, isCensored, prepareBundleSource } from '../../electron/core/bundle/source-transform';
import { tempDir } from '../helpers/sandbox';

// Built by concatenation so this file's own text stays plain.
const IMPORT = 'imp' + 'ort';
const OPEN = '<' + '!--';
const CLOSE = '--' + '>';

/** Runs a script in a fresh context and returns its completion value as JSON. */
function run(code: string): unknown {
  return JSON.parse(JSON.stringify(vm.runInNewContext(code, {}) ?? null)) as unknown;
}

/** The rewrite is accepted by SES, keeps every line, and computes the same value. */
function expectSame(code: string): string {
  expect(isCensored(code)).toBe(true);
  const result = evadeCensorship(code);
  expect(result.parsed).toBe(true);
  expect(result.unsupported).toEqual([]);
  expect(isCensored(result.code)).toBe(false);
  expect(result.code.split('\n').length).toBe(code.split('\n').length);
  expect(run(result.code)).toEqual(run(code));
  expect(evadeCensorship(result.code).changed).toBe(false);
  return result.code;
}

describe('look-alikes that mean nothing are respelled', () => {
  it('in comments, including JSDoc types and HTML-like comments', () => {
    const code = expectSame(
      [
        `/** @type {${IMPORT}('./x').T} ${OPEN} */`,
        `var a = 1; // ${CLOSE} eval(a)`,
        `${OPEN} an Annex B comment`,
        `${CLOSE} another one`,
        `// a line comment ending in ${IMPORT}`,
        '(a + 1); // and eval',
        '(a + 2);',
      ].join('\n'),
    );
    expect(code.split('\n')[0]).toBe(`/** @type {IMPORT('./x').T} <!=- */`);
    expect(code.split('\n')[2]).toBe('//   an Annex B comment');
  });

  it('in strings, keeping every escape the author wrote', () => {
    expectSame(
      [
        '[',
        `  '${OPEN}', "a${CLOSE}b", "\\\\${OPEN}", '\\${OPEN}', "${IMPORT}('x')", 'eval(1)', "retrieval(2)",`,
        `  "\\x0eval(", "\\u0041${CLOSE}", "line\\`,
        `${OPEN}", '\\'${IMPORT} (', "${OPEN}->", "-${CLOSE}${CLOSE}"`,
        ']',
      ].join('\n'),
    );
  });

  it('in untagged templates, around substitutions', () => {
    expectSame(`var x = 'y'; [\`${OPEN}\${x}${CLOSE}\`, \`a\${x}${IMPORT}(\${x})\`, \`\${\`${OPEN}\`}\`]`);
  });

  it('in regex literals, keeping the pattern text (.source), flags and matches', () => {
    const literals = [
      `/${OPEN}(?:-?>|[\\s\\S]*?(?:${CLOSE}|$))/`,
      `/[${OPEN}]/g`, // a class: "!--" there is a range
      `/(?<!--)x/`, // a look-behind for "--"
      `/[+${CLOSE}]/`, // "+-" then "->": a range to "-" then ">"
      `/(?:${IMPORT}(x))/i`,
      `/\\${OPEN}/`,
      `/a\\/b${CLOSE}/u`,
    ];
    const samples = ['<!-- x -->', '<!--', '-->', '--x', 'ax', '!', '"', '+', '>', 'IMPORTX', 'a/b-->', '<!-- open'];
    const code = `[${literals.join(', ')}].map((re) => [re.source, re.flags, ${JSON.stringify(samples)}.map((s) => re.test(s))])`;
    const rewritten = expectSame(code);
    expect(rewritten).toContain('(new (/(?:)/.constructor)(');
    // A regex in statement position and as a method receiver.
    expectSame(`var s = '${OPEN}'; var r = []; if (s) /${OPEN}/.test(s) && r.push(1); r`);
  });

  it('property names import/eval followed by "(", and x-->y', () => {
    expectSame(
      [
        `var o = { ${IMPORT}(x) { return x + 1; }, eval(x) { return x * 2; }, get ${IMPORT}Name() { return 1; } };`,
        `class A { static ${IMPORT}() { return 'static'; } }`,
        `var a = 3, b = 1, c = a${CLOSE}b;`,
        `[o. ${IMPORT}(1), o.eval(2), A. ${IMPORT}(), c, a]`,
      ].join('\n'),
    );
  });
});

describe('what cannot be respelled is reported, located, and left for SES to refuse', () => {
  it('a dynamic import, a direct eval and a tagged template', () => {
    const code = [
      'var f = async () => {',
      `  const m = await ${IMPORT}('fs');`,
      '  return eval("1 + 1");',
      '};',
      `var t = String.raw\`${OPEN}\`;`,
      'var ok = [eval?.("1"), ({ eval: (x) => x }).eval(2)];',
    ].join('\n');
    const result = evadeCensorship(code);
    expect(result.unsupported).toEqual([
      { line: 2, column: 19, what: 'dynamic import()' },
      { line: 3, column: 10, what: 'a direct eval(...) call' },
      {
        line: 5,
        column: 20,
        what: 'a tagged template containing a sequence SES rejects ("<!--", "-->", "import(" or "eval(")',
      },
    ]);
    expect(result.code).toContain(`await ${IMPORT}('fs')`);
    expect(result.code).toContain(`String.raw\`${OPEN}\``);
    expect(isCensored(result.code)).toBe(true);
  });

  it('source that does not parse is returned as it is', () => {
    const code = `var s = '${OPEN}'; function (`;
    expect(evadeCensorship(code)).toEqual({ code, changed: false, parsed: false, unsupported: [] });
  });
});

describe('prepareBundleSource (the host, at load)', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('returns an acceptable bundle unchanged without parsing or caching it', async () => {
    const cacheDir = path.join(tempDir(), 'cache');
    dirs.push(path.dirname(cacheDir));
    const source = 'exports.x = "plain"; function (';
    expect(await prepareBundleSource(source, { cacheDir })).toBe(source);
    expect(fs.existsSync(cacheDir)).toBe(false);
  });

  it('rewrites a censored bundle once and then serves it from the cache', async () => {
    const cacheDir = path.join(tempDir(), 'cache');
    dirs.push(path.dirname(cacheDir));
    const source = `exports.x = "${OPEN}";`;
    const first = await prepareBundleSource(source, { cacheDir });
    expect(first).toBe('exports.x = "\\x3C!--";');
    const [file] = fs.readdirSync(cacheDir);
    expect(file).toMatch(/^[0-9a-f]{64}\.js$/);
    fs.writeFileSync(path.join(cacheDir, file!), 'exports.x = "cached";');
    expect(await prepareBundleSource(source, { cacheDir })).toBe('exports.x = "cached";');
  });

  it('works without a usable cache folder', async () => {
    const file = path.join(tempDir(), 'not-a-folder');
    dirs.push(path.dirname(file));
    fs.writeFileSync(file, '');
    expect(await prepareBundleSource(`"${CLOSE}"`, { cacheDir: file })).toBe('"\\x2D->"');
  });
});
