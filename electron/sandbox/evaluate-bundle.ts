/**
 * Evaluates an extension's CommonJS bundle inside its compartment. The wrapper shares the first
 * line with the source so line numbers in errors match the file the author wrote.
 */
import type { ErrorData } from '../common/errors';
import { LOADER_REFUSAL_ADVICE } from '../common/bundle-refusals';
import { guestErrorData, guestErrorDetails, WRAPPER_HEAD, type GuestSource } from './guest-errors';

export type EvaluateResult =
  { ok: true; exports: Record<string, unknown> } | { ok: false; syntax: boolean; error: ErrorData };

// What SES still rejects after the host's censorship-evading rewrite (electron/core/
// source-transform.ts) is a real construct, not a look-alike in a string or comment.
const CENSORED: Array<[RegExp, string]> = [
  [/SES_IMPORT_REJECTED/, LOADER_REFUSAL_ADVICE.import],
  [/SES_HTML_COMMENT_REJECTED/, LOADER_REFUSAL_ADVICE['html-comment']],
  [/SES_EVAL_REJECTED/, LOADER_REFUSAL_ADVICE.eval],
];

/**
 * Globals ordinary code reaches for that the sandbox does not have, and what to do instead. A
 * load that fails with `ReferenceError: X is not defined` for one of these gets the hint appended.
 */
const NODE_ONLY = 'is a Node.js API, which Warden extensions do not have: use the `host` API (host.fs, host.net, …)';
const NO_NETWORK =
  'is not available: network access goes through host.net.fetch(url, init), checked against the manifest';
const NO_DOM = 'is not available: extensions have no DOM or browser window';
const NOT_IN_SANDBOX = 'is not available in the Warden sandbox (see extensions/sdk/COMPATIBILITY.md)';
const MISSING_GLOBALS = new Map<string, string>([
  ...['process', 'require', 'Buffer', '__dirname', '__filename', 'setImmediate', 'clearImmediate'].map(
    (n) => [n, NODE_ONLY] as const,
  ),
  ...['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'Request', 'Response', 'Headers'].map(
    (n) => [n, NO_NETWORK] as const,
  ),
  ...['window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage', 'indexedDB'].map(
    (n) => [n, NO_DOM] as const,
  ),
  ...['WebAssembly', 'Worker', 'SharedArrayBuffer', 'Atomics', 'WeakRef', 'FinalizationRegistry', 'Intl'].map(
    (n) => [n, NOT_IN_SANDBOX] as const,
  ),
]);

/**
 * What to do instead, when a load fails because the code used a global the sandbox does not
 * have. Names the host realm has (`process`, `WebAssembly`, `fetch`, …) read as `undefined` in a
 * compartment rather than throwing a ReferenceError, so besides `X is not defined` and
 * `X is not a function|constructor` the name is read back from the source at the error's
 * location for `Cannot read properties of undefined`.
 */
export function missingGlobalHint(message: string, source: string, location?: string): string | undefined {
  let name =
    /^(?:ReferenceError: )?([\w$]+) is not defined/.exec(message)?.[1] ??
    /^(?:TypeError: )?([\w$]+) is not a (?:function|constructor)/.exec(message)?.[1];
  const at = location && /:(\d+):(\d+)$/.exec(location);
  if (name === undefined && at && /Cannot read properties of undefined/.test(message)) {
    const lineNo = Number(at[1]);
    let line = source.split('\n', lineNo)[lineNo - 1] ?? '';
    const column = Number(at[2]) - 1;
    line = line.slice(0, Math.max(0, column));
    name = /([A-Za-z_$][\w$]*)\s*\??\.\s*$/.exec(line)?.[1];
  }
  const hint = name === undefined ? undefined : MISSING_GLOBALS.get(name);
  if (hint) return `\`${name}\` ${hint}`;
  const inherited = /Cannot assign to read only property '([^']+)' of object/.exec(message)?.[1];
  if (inherited !== undefined) {
    return (
      `\`${inherited}\` is inherited from a frozen shared prototype and SES does not make this one ` +
      'assignable on inheriting objects (the "override mistake"): define it with Object.defineProperty ' +
      '(see extensions/sdk/COMPATIBILITY.md)'
    );
  }
  return undefined;
}

export function evaluateBundle(compartment: Compartment, source: string, src: GuestSource): EvaluateResult {
  const { sourceUrl, displayName } = src;
  let factory: unknown;
  try {
    factory = compartment.evaluate(`${WRAPPER_HEAD}${source}\n})\n//# sourceURL=${sourceUrl}\n`);
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
    return { ok: false, syntax: false, error: guestErrorData(err, src) };
  }
  const module = { exports: {} as Record<string, unknown> };
  try {
    // `this` is `module.exports` at the top of a CommonJS module, as in Node: UMD wrappers written
    // `(function (root, factory) {...})(this, ...)` need an object there. It is the guest's own.
    Reflect.apply(factory as (...a: unknown[]) => unknown, module.exports, [module.exports, module]);
  } catch (err) {
    const { data, bundleLocation } = guestErrorDetails(err, src);
    const hint = missingGlobalHint(data.message, source, bundleLocation);
    // Named by the file the author wrote when the source map knows it.
    const file = data.location?.replace(/:\d+:\d+$/, '') ?? displayName;
    data.message = `${file} threw while loading: ${data.message}${hint ? ` — ${hint}` : ''}`;
    return { ok: false, syntax: false, error: data };
  }
  const exports = module.exports;
  return { ok: true, exports: typeof exports === 'object' && exports !== null ? exports : {} };
}
