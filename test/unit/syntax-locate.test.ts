import { describe, expect, it } from 'vitest';
import { locateSyntaxError } from '../../electron/core/bundle/syntax-locate';

const NAME = 'dist/extension.js';

describe('locateSyntaxError', () => {
  it('returns nothing for a bundle that parses', () => {
    expect(locateSyntaxError('exports.activate = () => {};\n', NAME)).toBeUndefined();
    // The sandbox wraps the bundle in a function, so a top-level return is legal.
    expect(locateSyntaxError('if (x) return;\nexports.a = 1;', NAME)).toBeUndefined();
  });

  it.each([
    ['a = ;', `${NAME}:1:5: SyntaxError: Unexpected token`],
    ['exports.activate = () => {\n  host.x(\n};\n', `${NAME}:3:1: SyntaxError: Unexpected token`],
    ['const a = 1;\nconst a = 2;', `${NAME}:2:7: SyntaxError: Identifier 'a' has already been declared`],
    ['x = "unterminated\n', `${NAME}:1:5: SyntaxError: Unterminated string constant`],
    ['\n\n  let let = 1', `${NAME}:3:7: SyntaxError: The keyword 'let' is reserved`],
  ])('locates %j with a 1-based line and column', (source, expected) => {
    expect(locateSyntaxError(source, NAME)).toBe(expected);
  });

  it('names the file it was given, never another path', () => {
    expect(locateSyntaxError('}', 'lib/main.cjs')).toMatch(/^lib\/main\.cjs:1:1: SyntaxError: /);
  });

  it('strips acorn\'s own "(line:col)" suffix from the message', () => {
    expect(locateSyntaxError('a = ;', NAME)).not.toMatch(/\(\d+:\d+\)/);
  });

  // Regression: bundles run as strict code; this once parsed them
  // as sloppy scripts, so strict-only errors (`with`, legacy octals) went unlocated.
  it('locates errors that only strict mode makes errors', () => {
    expect(locateSyntaxError('exports.a = 1;\nwith (Math) { max(1); }', NAME)).toMatch(/^dist\/extension\.js:2:/);
  });
});
