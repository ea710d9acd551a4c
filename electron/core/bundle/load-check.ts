/**
 * What the sandbox will refuse to load, found without running anything: the strict-mode parse
 * (syntax-locate.ts) and what SES rejects even after the host's rewrite (source-transform.ts).
 * `warden validate` refuses exactly these, and activation names the same line when a load fails,
 * so a bundle that validates is one the loader accepts (as far as anything static can say).
 */
import { LOADER_REFUSAL_ADVICE, type LoaderRefusal } from '../../common/bundle-refusals';
import { evadeCensorship, isCensored } from './source-transform';
import { findSyntaxError } from './syntax-locate';

export interface LoadProblem {
  rule: 'syntax-error' | 'loader-refusal';
  line: number;
  column: number;
  /** `<file>:<line>:<column>: …`, as the loader says it. */
  message: string;
}

/**
 * The refusal a construct located by `evadeCensorship` stands for: its `what` is "dynamic
 * import()", "a direct eval(...) call", "a tagged template …", or the quoted text SES matched.
 */
function refusalOf(what: string): LoaderRefusal {
  if (what.startsWith('a tagged template') || /<!--|-->/.test(what)) return 'html-comment';
  return /import/.test(what) ? 'import' : 'eval';
}

/** Every reason the loader would refuse `source` (named `displayName`), first the syntax error. */
export function checkBundleLoads(source: string, displayName: string): LoadProblem[] {
  const syntax = findSyntaxError(source);
  if (syntax) {
    return [
      {
        rule: 'syntax-error',
        line: syntax.line,
        column: syntax.column,
        message: `${displayName}:${syntax.line}:${syntax.column}: SyntaxError: ${syntax.message}`,
      },
    ];
  }
  if (!isCensored(source)) return [];
  return evadeCensorship(source).unsupported.map((u) => {
    const refusal = refusalOf(u.what);
    const advice = refusal === 'html-comment' ? `${u.what}, which the sandbox rejects` : LOADER_REFUSAL_ADVICE[refusal];
    return {
      rule: 'loader-refusal',
      line: u.line,
      column: u.column,
      message: `${displayName}:${u.line}:${u.column}: ${advice}`,
    };
  });
}
