/**
 * Finds where a bundle fails to parse. The sandbox only learns *that* evaluation failed (SES
 * hides engine positions); the host re-parses the file with acorn, only on failure, to say
 * which line and column. `warden validate` runs the same parse before anything runs.
 */
import { parse } from './acorn-parse';

/** The sandbox evaluates bundles as strict code; the prefix shares line 1 so line numbers hold. */
const STRICT_PREFIX = '"use strict";';

export interface SyntaxProblem {
  line: number;
  /** 1-based. */
  column: number;
  message: string;
}

/** The first syntax error the sandbox's strict evaluation would hit, located in `source`. */
export function findSyntaxError(source: string): SyntaxProblem | undefined {
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
    return { line: e.loc.line, column: column + 1, message };
  }
}

export function locateSyntaxError(source: string, displayName: string): string | undefined {
  const found = findSyntaxError(source);
  return found && `${displayName}:${found.line}:${found.column}: SyntaxError: ${found.message}`;
}
