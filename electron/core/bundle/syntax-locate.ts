/**
 * Finds where a bundle fails to parse. The sandbox only learns *that* evaluation failed (SES
 * hides engine positions); the host re-parses the file with acorn, only on failure, to say
 * which line and column.
 */
import { parse } from 'acorn';

/** The sandbox evaluates bundles as strict code; the prefix shares line 1 so line numbers hold. */
const STRICT_PREFIX = '"use strict";';

export function locateSyntaxError(source: string, displayName: string): string | undefined {
  try {
    parse(STRICT_PREFIX + source, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      allowReturnOutsideFunction: true,
      allowHashBang: false,
    });
    return undefined;
  } catch (err) {
    const e = err as { loc?: { line: number; column: number }; message?: string };
    if (!e.loc) return undefined;
    const message = String(e.message ?? 'syntax error').replace(/\s*\(\d+:\d+\)$/, '');
    const column = e.loc.line === 1 ? Math.max(0, e.loc.column - STRICT_PREFIX.length) : e.loc.column;
    return `${displayName}:${e.loc.line}:${column + 1}: SyntaxError: ${message}`;
  }
}
