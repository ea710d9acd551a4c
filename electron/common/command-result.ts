/**
 * What a command handler may return (extensions/sdk/api.d.ts `CommandResult`): a string, or one
 * of the typed shapes. A plain value without a `type` is shown as JSON; a value that names a
 * `type` but breaks its shape is an error, so a typo in `columns` is reported rather than
 * silently rendered as JSON.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import type { DataValue } from './data-value';
import { DataValueSchema } from './data-value-schema';
import { formatIssues } from './schema-issues';

const Cell = lazySchema(() => z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const CommandResultSchema = lazySchema(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('text'), text: z.string() }),
    z.strictObject({ type: z.literal('markdown'), markdown: z.string() }),
    z.strictObject({
      type: z.literal('table'),
      columns: z.array(z.string()).min(1).max(100),
      rows: z.array(z.array(Cell)).max(100_000),
    }),
    z.strictObject({ type: z.literal('json'), value: DataValueSchema }),
  ]),
);
export type CommandResult = z.infer<typeof CommandResultSchema>;

export type NormalizeResult = { ok: true; result: CommandResult } | { ok: false; problem: string };

/** Maps a handler's (already plain-data) return value onto a `CommandResult`. */
export function normalizeCommandResult(value: DataValue | undefined): NormalizeResult {
  if (value === undefined || value === null) return { ok: true, result: { type: 'text', text: '' } };
  if (typeof value === 'string') return { ok: true, result: { type: 'text', text: value } };
  if (typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array) && 'type' in value) {
    const parsed = CommandResultSchema.safeParse(value);
    if (parsed.success) {
      const r = parsed.data;
      if (r.type === 'table') {
        const bad = r.rows.findIndex((row) => row.length !== r.columns.length);
        if (bad >= 0) {
          return { ok: false, problem: `result.rows[${bad}]: expected ${r.columns.length} cells, one per column` };
        }
      }
      return { ok: true, result: r };
    }
    return {
      ok: false,
      problem: formatIssues(parsed.error, 3)
        .map((l) => `result.${l}`)
        .join('; '),
    };
  }
  return { ok: true, result: { type: 'json', value } };
}
