/**
 * Finds where a bundle fails to parse. The sandbox only learns *that* evaluation failed (SES
 * hides engine positions); the host re-parses the file with acorn, only on failure, to say
 * which line and column.
 */
import { parse } from 'acorn';

export function locateSyntaxError(source: string, displayName: string): string | undefined {
  try {
    parse(source, {
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
    return `${displayName}:${e.loc.line}:${e.loc.column + 1}: SyntaxError: ${message}`;
  }
}
