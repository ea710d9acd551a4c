/**
 * Evaluates an extension's CommonJS bundle inside its compartment. The wrapper shares the first
 * line with the source so line numbers in errors match the file the author wrote.
 */
import type { ErrorData } from '../common/errors';
import { guestErrorData } from './guest-errors';

export type EvaluateResult =
  { ok: true; exports: Record<string, unknown> } | { ok: false; syntax: boolean; error: ErrorData };

const CENSORED: Array<[RegExp, string]> = [
  [/SES_IMPORT_REJECTED/, 'contains "import(" (dynamic import), which the sandbox cannot load'],
  [/SES_HTML_COMMENT_REJECTED/, 'contains "<!--" or "-->", which the sandbox rejects outside modules'],
  [/SES_EVAL_REJECTED/, 'contains what looks like a direct eval, which the sandbox rejects'],
];

export function evaluateBundle(
  compartment: Compartment,
  source: string,
  sourceUrl: string,
  displayName: string,
): EvaluateResult {
  let factory: unknown;
  try {
    factory = compartment.evaluate(`(function (exports, module) {${source}\n})\n//# sourceURL=${sourceUrl}\n`);
  } catch (err) {
    const message = err instanceof Error ? String(err.message) : 'cannot evaluate';
    for (const [re, text] of CENSORED) {
      if (re.test(message)) {
        const line = /:(\d+)\./.exec(message)?.[1];
        return {
          ok: false,
          syntax: false,
          error: { code: 'EINVAL', message: `${displayName}${line ? `:${line}` : ''}: ${text}` },
        };
      }
    }
    if (err instanceof SyntaxError) {
      return { ok: false, syntax: true, error: { code: 'EINVAL', message: `${displayName}: SyntaxError: ${message}` } };
    }
    return { ok: false, syntax: false, error: guestErrorData(err, sourceUrl, displayName) };
  }
  const module = { exports: {} as Record<string, unknown> };
  try {
    Reflect.apply(factory as (...a: unknown[]) => unknown, undefined, [module.exports, module]);
  } catch (err) {
    const data = guestErrorData(err, sourceUrl, displayName);
    data.message = `${displayName} threw while loading: ${data.message}`;
    return { ok: false, syntax: false, error: data };
  }
  const exports = module.exports;
  return { ok: true, exports: typeof exports === 'object' && exports !== null ? exports : {} };
}
