/**
 * Markers of deliberately obfuscated code (not of minification: esbuild's or terser's output has
 * short names and long lines but none of these). Each heuristic reports once, at its first hit:
 *
 * - `_0x` names: at least 5 distinct identifiers like `_0x3a4f`, `_0x1b2c3d` (javascript-
 *   obfuscator's default "hexadecimal" identifier generator).
 * - escaped string array: an array literal of at least 10 strings whose source text is at least
 *   60% escapes of printable ASCII (`\x41`, `\u0041`: minifiers escape only non-ASCII) (javascript-obfuscator's `stringArray` with hex encoding, and
 *   hand-rolled equivalents), or of at least 50 strings that each look like base64 of 8+
 *   characters (`stringArrayEncoding: base64/rc4`).
 * - packer: a function with the parameters `p, a, c, k, e, d` or `p, a, c, k, e, r` (Dean
 *   Edwards' packer, `eval(function(p,a,c,k,e,d){…})`).
 * - packed line: a line of at least 5,000 characters where at least 25% of the characters are in
 *   escapes of printable ASCII or hexadecimal number literals (`0x1f4`): minified code has long lines
 *   but writes numbers in decimal and strings mostly plain.
 */
import { position, walk, type AnyNode } from './ast';

export interface ObfuscationHit {
  marker: string;
  line: number;
  column: number;
}

const OX_NAME = /^_0x[0-9a-f]{4,8}$/i;
// Escapes of printable ASCII only: minifiers escape non-ASCII text (esbuild's default charset
// writes every Cyrillic or Arabic letter as \uHHHH) but never a plain letter, obfuscators do.
const ESCAPE = /\\x[2-7][0-9a-fA-F]|\\u00[2-7][0-9a-fA-F]/g;
const HEX_NUMBER = /\b0x[0-9a-fA-F]+\b/g;
const BASE64ISH = /^[A-Za-z0-9+/]{8,}={0,2}$/;

export const OBFUSCATION_LIMITS = {
  oxNames: 5,
  escapedArrayStrings: 10,
  escapedShare: 0.6,
  base64ArrayStrings: 50,
  packedLineChars: 5000,
  packedShare: 0.25,
} as const;

function escapedChars(text: string): number {
  let n = 0;
  for (const m of text.matchAll(ESCAPE)) n += m[0].length;
  return n;
}

export function findObfuscation(program: AnyNode, source: string): ObfuscationHit[] {
  const hits: ObfuscationHit[] = [];
  const ox = new Set<string>();
  let oxFirst: AnyNode | undefined;
  let arrayHit: ObfuscationHit | undefined;
  let packerHit: ObfuscationHit | undefined;
  for (const node of walk(program)) {
    if (node.type === 'Identifier' && OX_NAME.test(node.name as string)) {
      ox.add(node.name as string);
      oxFirst ??= node;
    } else if (node.type === 'ArrayExpression' && !arrayHit) {
      const strings = (node.elements as Array<AnyNode | null>).filter(
        (e): e is AnyNode => !!e && e.type === 'Literal' && typeof e.value === 'string',
      );
      if (strings.length >= OBFUSCATION_LIMITS.escapedArrayStrings) {
        const raw = strings.map((s) => source.slice(s.start + 1, s.end - 1));
        const total = raw.reduce((n, r) => n + r.length, 0);
        const escaped = raw.reduce((n, r) => n + escapedChars(r), 0);
        const base64 = strings.filter((s) => BASE64ISH.test(s.value as string)).length;
        if (total > 0 && escaped / total >= OBFUSCATION_LIMITS.escapedShare)
          arrayHit = { marker: `an array of ${strings.length} hex-escaped strings`, ...position(node) };
        else if (base64 >= OBFUSCATION_LIMITS.base64ArrayStrings && base64 === strings.length)
          arrayHit = { marker: `an array of ${strings.length} base64-like strings`, ...position(node) };
      }
    } else if (
      !packerHit &&
      (node.type === 'FunctionExpression' || node.type === 'FunctionDeclaration') &&
      /^p,a,c,k,e,[dr]$/.test((node.params as AnyNode[]).map((p) => p.name ?? '').join(','))
    ) {
      packerHit = { marker: 'a packer wrapper function(p,a,c,k,e,d)', ...position(node) };
    }
  }
  if (ox.size >= OBFUSCATION_LIMITS.oxNames && oxFirst)
    hits.push({ marker: `${ox.size} javascript-obfuscator "_0x…" names`, ...position(oxFirst) });
  if (arrayHit) hits.push(arrayHit);
  if (packerHit) hits.push(packerHit);
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length < OBFUSCATION_LIMITS.packedLineChars) continue;
    let dense = escapedChars(line);
    for (const m of line.matchAll(HEX_NUMBER)) dense += m[0].length;
    if (dense / line.length >= OBFUSCATION_LIMITS.packedShare) {
      const share = Math.round((dense / line.length) * 100);
      hits.push({
        marker: `a packed line of ${line.length} characters, ${share}% escapes and hex numbers`,
        line: i + 1,
        column: 1,
      });
      break;
    }
  }
  return hits;
}
