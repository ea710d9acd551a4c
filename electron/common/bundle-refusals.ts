/**
 * What the sandbox refuses to load, in words a developer can act on. Shared by the sandbox (the
 * message when SES rejects a bundle) and the host (`warden validate`, which refuses the same
 * bundles before anything runs), so both say the same thing.
 *
 * Never advise `new Function(code)` or `(0, eval)(code)` here: they do run in the sandbox, but the
 * code such advice is for usually comes from the network or storage, and running that as code
 * defeats the review a package's signature stands for (`warden validate --strict` flags it).
 */
export type LoaderRefusal = 'import' | 'html-comment' | 'eval';

export const LOADER_REFUSAL_ADVICE: Record<LoaderRefusal, string> = {
  import:
    'dynamic import() cannot run in the sandbox, which loads no modules at run time (bundle them with `warden build`)',
  'html-comment':
    'contains "<!--" or "-->" where it cannot be rewritten (e.g. a tagged template), which the sandbox rejects',
  eval:
    'a direct eval(...) cannot run in the sandbox: bundle the code it would run with `warden build`, and parse data ' +
    '(JSON.parse) instead of evaluating it; code fetched or stored at run time must not be run as code',
};
