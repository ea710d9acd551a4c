// Dynamic import() would load Node modules with the host's authority, so SES rejects any source
// that may contain one. Every spelling must be refused: in the bundle itself (the extension
// fails to load with EINVAL) and when assembled at run time for an evaluator.
import { describe, expect, it } from 'vitest';
import { outcomesNotMatching, useSecuritySuite } from './harness';

const suite = useSecuritySuite();

// Built by concatenation so this test file's own source holds no import expression.
const I = 'imp' + 'ort';
const SPELLINGS: Array<[string, string]> = [
  ['import(', `await ${I}('fs')`],
  ['import (', `await ${I} ('fs')`],
  ['import/**/(', `await ${I}/**/('fs')`],
  ['import/* comment */ (', `await ${I}/* any comment */ ('fs')`],
  ['import// line comment', `await ${I}// comment\n('fs')`],
  ['import on a new line (', `await ${I}\n('fs')`],
  ['import with a tab and an ideographic space', `await ${I}\t\u3000('fs')`],
  ['...import( in an array spread', `[...(await ${I}('fs'))]`],
  ['...import( in an object spread', `({...${I}('fs')})`],
  // The host rewrites harmless look-alikes (in strings, comments, regexes) before SES sees the
  // bundle; real imports next to such look-alikes must survive that rewrite and be refused.
  ['import( in a template expression', `\`\${await ${I}('fs')}\``],
  ['import( after a comment that mentions import(', `/* ${I}('x') */ await ${I}('fs')`],
  ['import( next to a string and a regex holding look-alikes', `['${I}(', /${I}\\(/, await ${I}('fs')][2]`],
  ['import( as a division operand', `1 / (await ${I}('fs')) / 1`],
];

describe('dynamic import() in the bundle', () => {
  it.each(SPELLINGS)('a bundle containing %s is refused at load with EINVAL', async (_name, expression) => {
    const outcome = await suite.attempt({
      source: `exports.activate = () => host.commands.register('run', async () => {
        const m = ${expression};
        return Object.keys(m).join();
      });`,
    });
    expect(outcome.result).toBeUndefined();
    expect(outcome.error?.code).toBe('EINVAL');
    expect(outcome.error?.message).toMatch(/import/);
  });

  it('control: look-alikes only in strings, comments and regexes load and run (the refusals above are for real imports)', async () => {
    const outcome = await suite.attempt({
      source: `/* ${I}('fs') */
exports.activate = () => host.commands.register('run', () => ['${I}(', /${I}\\(/.source].join(' '));`,
    });
    expect(outcome.result).toEqual({ type: 'text', text: `${I}( ${I}\\(` });
  });

  it('import.meta and static import are syntax errors in a CommonJS bundle', async () => {
    for (const source of [
      `exports.activate = () => host.commands.register('run', () => ${I}.meta.url);`,
      `${I} fs from 'fs';\nexports.activate = () => host.commands.register('run', () => fs.readFileSync('x'));`,
    ]) {
      const outcome = await suite.attempt({ source });
      expect(outcome.error?.code).toBe('EINVAL');
    }
  });
});

describe('dynamic import() assembled at run time', () => {
  it('every spelling, through every evaluator, is rejected before it runs', async () => {
    const report = await suite.probe(`
      const I = 'imp' + 'ort';
      const spellings = {
        plain: I + "('fs')", space: I + " ('fs')", comment: I + "/**/('fs')", 'line comment': I + "//x\\n('fs')",
        newline: I + "\\n('fs')", 'unicode space': I + "\\u2003('fs')", spread: '[...' + I + "('fs')]",
        'object spread': '({...' + I + "('fs')})", meta: I + '.meta', 'node: scheme': I + "('node:child_process')",
      };
      const evaluators = {
        'indirect eval': (s) => (0, eval)(s),
        Function: (s) => Function('return ' + s)(),
        'new Function': (s) => new Function('return ' + s)(),
        'nested Compartment': (s) => new Compartment().evaluate(s),
        // SES rewrites import( to __import__( here: a ReferenceError, not a module.
        'Compartment, __evadeImportExpressionTest__': (s) =>
          new Compartment().evaluate(s, { __evadeImportExpressionTest__: true }),
        'Compartment, empty transforms': (s) =>
          new Compartment({ __options__: true, transforms: [] }).evaluate(s, { transforms: [] }),
      };
      for (const e of Object.keys(evaluators)) {
        for (const s of Object.keys(spellings)) {
          await probe(e + ' / ' + s, async () => {
            const m = await evaluators[e](spellings[s]);
            return m;
          });
        }
      }
      await probe('setTimeout with import() code', () => setTimeout(I + "('fs')", 0));
    `);
    expect(report.leaks).toEqual([]);
    expect(Object.keys(report.outcomes)).toHaveLength(61);
    expect(outcomesNotMatching(report, /^threw (SyntaxError|ReferenceError|TypeError)/)).toEqual([]);
  });
});
