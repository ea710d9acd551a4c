/**
 * acorn's `parse`, with acorn loaded at the first call. Activation needs it only for a bundle with
 * text SES censors (source-transform.ts) or one that fails to load (syntax-locate.ts); loading its
 * 0.15 MB with the core cost every `warden run` its evaluation and the garbage it leaves.
 */
import type { parse as acornParse } from 'acorn';

let acorn: typeof import('acorn') | undefined;

export const parse: typeof acornParse = (input, options) =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  (acorn ??= require('acorn') as typeof import('acorn')).parse(input, options);
