/** Renders a command result for a terminal. */
import type { CommandResult } from '../../../electron/common/command-result';

export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  return value;
}

export function formatResult(result: CommandResult): string {
  switch (result.type) {
    case 'text':
      return result.text;
    case 'markdown':
      return result.markdown;
    case 'json':
      return JSON.stringify(result.value, jsonReplacer, 2);
    case 'table':
      return formatTable(result.columns, result.rows);
  }
}

export function formatTable(columns: string[], rows: Array<Array<string | number | boolean | null>>): string {
  const cells = [columns, ...rows.map((r) => r.map((c) => (c === null ? '' : String(c))))];
  const widths = columns.map((_, i) => Math.min(60, Math.max(...cells.map((r) => (r[i] ?? '').length))));
  const line = (r: string[]) =>
    r
      .map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
