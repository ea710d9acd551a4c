/**
 * SES refuses to evaluate any source text that merely *looks like* an HTML comment (`<!--`,
 * `-->`), a dynamic import (`import(`) or a direct eval (`eval(`), wherever it appears: in a
 * comment, a string, a template or a regular expression too. Markdown, HTML and XML libraries
 * carry those sequences in their regexes and strings, and JSDoc types write `import('x').T`, so
 * ordinary bundles are rejected whole although they never do any of those things.
 *
 * `evadeCensorship` rewrites exactly those look-alikes so the text no longer matches and the
 * program means the same thing:
 * - comments: `import(` → `IMPORT(`, `eval(` → `EVAL(`, `<!--` → `<!=-`, `-->` → `-=>` (comments
 *   have no meaning); an Annex B HTML-like comment (`<!--`/`-->` starting a line comment in a
 *   script) becomes a `//` comment, which is what the engine treats it as anyway;
 * - string literals and untagged template literals: one character of each match is written as a
 *   `\xHH` escape, which denotes the same character, so the value is the same;
 * - regex literals: `/p/f` becomes `(new (/(?:)/.constructor)("p", "f"))`, the string escaped as
 *   above. The pattern text, hence `.source`, flags and matching, are exactly the literal's
 *   (libraries build regexes from other regexes' `.source`, so escaping inside the literal would
 *   not do); the constructor is reached through a literal so no local `RegExp` can shadow it;
 * - property names `import`/`eval` followed by `(` (`{ import() {} }`, `a. import(`): the first
 *   letter becomes a `\u00XX` escape, which is the same IdentifierName;
 * - `x-->y` (postfix decrement, then `>`): a space between the two tokens.
 *
 * No line breaks are added or removed, so line numbers in errors still match the file. What is a
 * real dynamic import, a real direct eval or a tagged template containing one of the sequences is
 * left as it is and reported in `unsupported`: SES then rejects the bundle at load, and the build
 * and the sandbox name the file and line.
 *
 * `prepareBundleSource` is the host's load-time entry for bundles not built by `warden build`:
 * it returns the source unchanged when nothing matches (the common case, no parse), and caches
 * the transformed text by SHA-256 of the source so a later activation does not parse again.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Comment, Node } from 'acorn';
import { parse } from './acorn-parse';
import { writeFileAtomic } from '../platform/atomic-write';

/** Bumped whenever the transform's output changes, so stale cache entries are never used. */
export const TRANSFORM_VERSION = 1;

// SES's own rejection patterns (ses/src/transforms.js, compartment-evaluate.js), used to decide
// whether a bundle needs the transform and what is left after it.
const SES_HTML_COMMENT = /(?:<!--|-->)/;
const SES_IMPORT = /(^|[^.]|\.\.\.)\bimport(\s*(?:\(|\/[/*]))/;
const SES_EVAL = /(^|[^.])\beval(\s*\()/;

/**
 * What SES would match, located inside a piece of text. Broader than SES on purpose (no
 * look-behind for a preceding `.`): rewriting one more harmless look-alike costs nothing.
 */
const LOOKALIKE = /\bimport(?=\s*(?:\(|\/[/*]))|\beval(?=\s*\()|<!--|-->/g;
const HAS_LOOKALIKE = new RegExp(LOOKALIKE.source);

export interface UnsupportedConstruct {
  line: number;
  column: number;
  what: string;
}

export interface CensorshipResult {
  code: string;
  changed: boolean;
  /** False when the source does not parse; `code` is then the input, for SES to report. */
  parsed: boolean;
  unsupported: UnsupportedConstruct[];
}

/** True if SES would reject this text before evaluating it. */
export function isCensored(source: string): boolean {
  return SES_HTML_COMMENT.test(source) || SES_IMPORT.test(source) || SES_EVAL.test(source);
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

type AnyNode = Node & Record<string, unknown>;

const hex = (ch: string) => `\\x${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/** Splits a string or template's raw text into units: one plain character, or one escape sequence. */
function scanUnits(raw: string): Array<{ start: number; escape: boolean }> {
  const units: Array<{ start: number; escape: boolean }> = [];
  let i = 0;
  while (i < raw.length) {
    if (raw[i] !== '\\') {
      units.push({ start: i, escape: false });
      i++;
      continue;
    }
    const next = raw[i + 1];
    let end = i + 2;
    if (next === 'x') end = i + 4;
    else if (next === 'u') end = raw[i + 2] === '{' ? raw.indexOf('}', i) + 1 || raw.length : i + 6;
    else if (next === '\r' && raw[i + 2] === '\n') end = i + 3;
    units.push({ start: i, escape: true });
    i = Math.min(end, raw.length);
  }
  return units;
}

/**
 * Rewrites look-alikes in the raw text of a string or untagged template literal by writing one
 * plain (not already escaped) character of each match as `\xHH`. Undefined when nothing matched.
 */
function escapeLookalikes(raw: string): string | undefined {
  if (!HAS_LOOKALIKE.test(raw)) return undefined;
  let text = raw;
  // Each pass escapes at least one character of every match found; escapes never match.
  for (let pass = 0; pass < 64; pass++) {
    const plain = new Set<number>();
    for (const u of scanUnits(text)) if (!u.escape) plain.add(u.start);
    const chosen = new Set<number>();
    LOOKALIKE.lastIndex = 0;
    for (let m = LOOKALIKE.exec(text); m; m = LOOKALIKE.exec(text)) {
      const pick = [...m[0]].map((_, k) => m!.index + k).find((c) => plain.has(c));
      if (pick === undefined) return undefined; // cannot happen for these sequences; leave it to SES
      chosen.add(pick);
    }
    let out = '';
    let last = 0;
    for (const c of [...chosen].sort((a, b) => a - b)) {
      out += text.slice(last, c) + hex(text[c]!);
      last = c + 1;
    }
    text = out + text.slice(last);
    if (!HAS_LOOKALIKE.test(text)) return text;
  }
  return undefined;
}

/**
 * Comment text: no meaning, so same-length defanged spellings keep columns too. A word at the very
 * end counts as a match: what follows a line comment (a line break, then maybe `(`) still counts
 * for SES's `\s*`.
 */
function defangComment(text: string): string {
  return text
    .replace(/\bimport(?=\s*(?:\(|\/[/*]|$))/g, 'IMPORT')
    .replace(/\beval(?=\s*(?:\(|$))/g, 'EVAL')
    .replace(/<!--/g, '<!=-')
    .replace(/-->/g, '-=>');
}

function lineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i >= 0 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

const PROPERTY_NAMES = new Map([
  ['import', '\\u0069mport'],
  ['eval', '\\u0065val'],
]);

/** Rewrites what SES would reject but does not change the program's meaning (see file header). */
export function evadeCensorship(source: string): CensorshipResult {
  const comments: Comment[] = [];
  let ast: Node;
  try {
    ast = parse(source, {
      ecmaVersion: 'latest',
      sourceType: 'script', // the sandbox evaluates bundles as scripts (inside a function)
      allowReturnOutsideFunction: true,
      allowHashBang: false,
      onComment: comments,
    });
  } catch {
    return { code: source, changed: false, parsed: false, unsupported: [] };
  }
  const edits: Edit[] = [];
  const unsupported: Array<{ at: number; what: string }> = [];

  for (const c of comments) {
    const opener = source.startsWith('<!--', c.start) ? 4 : source.startsWith('-->', c.start) ? 3 : 2;
    const bodyStart = c.start + opener;
    const bodyEnd = c.type === 'Block' ? c.end - 2 : c.end;
    const body = source.slice(bodyStart, bodyEnd);
    const defanged = defangComment(body);
    // An HTML-like comment is a single-line comment in a script (ECMA-262 Annex B): say so with `//`.
    const head = opener === 2 ? source.slice(c.start, bodyStart) : '//'.padEnd(opener, ' ');
    if (opener !== 2 || defanged !== body) edits.push({ start: c.start, end: bodyEnd, text: head + defanged });
  }

  // Iterative walk (bundles nest deeply enough to overflow a recursive one).
  const tagged = new Set<Node>();
  const stack: AnyNode[] = [ast as AnyNode];
  while (stack.length > 0) {
    const node = stack.pop()!;
    switch (node.type) {
      case 'Literal': {
        const regex = node.regex as { pattern: string; flags: string } | undefined;
        if (regex) {
          const raw = source.slice(node.start + 1, node.start + 1 + regex.pattern.length);
          if (HAS_LOOKALIKE.test(raw)) {
            const pattern = escapeLookalikes(JSON.stringify(raw).slice(1, -1));
            if (pattern !== undefined) {
              const text = `(new (/(?:)/.constructor)("${pattern}", "${regex.flags}"))`;
              edits.push({ start: node.start, end: node.end, text });
            }
          }
        } else if (typeof node.value === 'string') {
          const raw = source.slice(node.start + 1, node.end - 1);
          const escaped = escapeLookalikes(raw);
          if (escaped !== undefined) edits.push({ start: node.start + 1, end: node.end - 1, text: escaped });
        }
        break;
      }
      case 'TaggedTemplateExpression':
        // The tag sees the raw text (`strings.raw`): escaping would change what it receives.
        tagged.add(node.quasi as Node);
        break;
      case 'TemplateLiteral': {
        for (const q of node.quasis as Node[]) {
          const raw = source.slice(q.start, q.end);
          if (tagged.has(node)) {
            if (HAS_LOOKALIKE.test(raw))
              unsupported.push({
                at: q.start,
                what: 'a tagged template containing a sequence SES rejects ("<!--", "-->", "import(" or "eval(")',
              });
            continue;
          }
          const escaped = escapeLookalikes(raw);
          if (escaped !== undefined) edits.push({ start: q.start, end: q.end, text: escaped });
        }
        break;
      }
      case 'MemberExpression':
      case 'Property':
      case 'MethodDefinition':
      case 'PropertyDefinition': {
        const name = (node.type === 'MemberExpression' ? node.property : node.key) as AnyNode;
        if (
          !node.computed &&
          name.type === 'Identifier' &&
          typeof name.name === 'string' &&
          PROPERTY_NAMES.has(name.name)
        ) {
          const after = source.slice(name.end, name.end + 64);
          const before = source[name.start - 1];
          const looksLikeCall = name.name === 'import' ? /^\s*(?:\(|\/[/*])/.test(after) : /^\s*\(/.test(after);
          if (looksLikeCall && before !== '.' && source.slice(name.start, name.end) === name.name) {
            edits.push({ start: name.start, end: name.end, text: PROPERTY_NAMES.get(name.name)! });
          }
        }
        break;
      }
      case 'UpdateExpression':
        if (node.operator === '--' && !node.prefix && source[node.end] === '>') {
          edits.push({ start: node.end, end: node.end, text: ' ' });
        }
        break;
      case 'ImportExpression':
        unsupported.push({ at: node.start, what: 'dynamic import()' });
        break;
      case 'CallExpression': {
        const callee = node.callee as AnyNode;
        // Only what SES's heuristic catches: `eval(`, not `eval?.(` or `a.eval(`.
        if (
          callee.type === 'Identifier' &&
          callee.name === 'eval' &&
          !node.optional &&
          /^\s*\(/.test(source.slice(callee.end, callee.end + 64))
        ) {
          unsupported.push({ at: node.start, what: 'a direct eval(...) call' });
        }
        break;
      }
    }
    for (const key in node) {
      if (key === 'loc' || key === 'regex') continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) {
          const v = value[i] as AnyNode | null;
          if (v && typeof v.type === 'string') stack.push(v);
        }
      } else if (value && typeof value === 'object' && typeof (value as AnyNode).type === 'string') {
        stack.push(value as AnyNode);
      }
    }
  }

  edits.sort((a, b) => a.start - b.start);
  let code = '';
  let last = 0;
  for (const e of edits) {
    if (e.start < last) continue; // a node reached twice (never expected): keep the first edit
    code += source.slice(last, e.start) + e.text;
    last = e.end;
  }
  code += source.slice(last);
  unsupported.sort((a, b) => a.at - b.at);
  const located = unsupported.map((u) => ({ ...lineColumn(source, u.at), what: u.what }));
  if (located.length === 0) {
    // Anything SES would still reject that the walk did not explain (there should be nothing).
    // Lines are the same in `code` and `source`: the rewrite never adds or removes a line break.
    const m = [SES_HTML_COMMENT, SES_IMPORT, SES_EVAL].map((re) => re.exec(code)).find((x) => x);
    if (m) located.push({ ...lineColumn(code, m.index + (m[1]?.length ?? 0)), what: `"${m[0].trim()}"` });
  }
  return { code, changed: edits.length > 0, parsed: true, unsupported: located };
}

export interface PrepareOptions {
  /** Folder for transformed bundles (under the host's data folder); no caching when omitted. */
  cacheDir?: string;
}

/**
 * The bundle text to send to the sandbox. Unchanged (and not parsed) unless SES would reject it;
 * otherwise the censorship-evading rewrite, read from or written to the cache. Cache problems are
 * never fatal: the transform simply runs again. The cache lives in the host's data folder, which
 * only the host writes (extensions' private folders are under `data/`, not `cache/`).
 */
export async function prepareBundleSource(source: string, options: PrepareOptions = {}): Promise<string> {
  if (!isCensored(source)) return source;
  const key = crypto.createHash('sha256').update(`v${TRANSFORM_VERSION}\0`).update(source).digest('hex');
  const file = options.cacheDir ? path.join(options.cacheDir, `${key}.js`) : undefined;
  if (file) {
    try {
      return await fs.readFile(file, 'utf8');
    } catch {
      // not cached yet
    }
  }
  let result: CensorshipResult;
  try {
    result = evadeCensorship(source);
  } catch {
    return source; // a transform bug must not stop the load: SES then reports what it rejects
  }
  if (!result.changed) return source;
  if (file) {
    try {
      await fs.mkdir(options.cacheDir!, { recursive: true, mode: 0o700 });
      await writeFileAtomic(file, result.code);
    } catch {
      // read-only or full data folder: run without the cache
    }
  }
  return result.code;
}
