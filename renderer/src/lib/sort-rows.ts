/** Sorting table result rows by one column, stably, with empty cells last in both directions. */

export type Cell = string | number | boolean | null;
export type SortDir = 'asc' | 'desc';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Compares two cells: numbers numerically, booleans false < true, strings naturally ("a2" < "a10"). */
export function compareCells(a: Cell, b: Cell): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return collator.compare(String(a), String(b));
}

/** A sorted copy of `rows` by column `col`; nulls (and missing cells) always go last. */
export function sortRows<R extends readonly Cell[]>(rows: readonly R[], col: number, dir: SortDir): R[] {
  const sign = dir === 'asc' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index }))
    .sort((x, y) => {
      const a = x.row[col] ?? null;
      const b = y.row[col] ?? null;
      if (a === null || b === null) return a === b ? x.index - y.index : a === null ? 1 : -1;
      return sign * compareCells(a, b) || x.index - y.index;
    })
    .map((e) => e.row);
}
