/** A table result, sortable by clicking a column header (again to reverse). */
import { useMemo, useState } from 'react';
import { sortRows, type Cell, type SortDir } from '../../../lib/sort-rows';

/** Rows drawn at most; the rest are summarised (the result itself can hold 100 000). */
export const MAX_TABLE_ROWS = 1000;

function renderCell(c: Cell | undefined) {
  if (c === null || c === undefined) return <span className="muted">—</span>;
  if (typeof c === 'boolean') return c ? 'true' : 'false';
  return String(c);
}

export function TableResult({ columns, rows }: { columns: string[]; rows: Cell[][] }) {
  const [sort, setSort] = useState<{ col: number; dir: SortDir } | null>(null);
  const sorted = useMemo(() => (sort ? sortRows(rows, sort.col, sort.dir) : rows), [rows, sort]);
  const shown = sorted.length > MAX_TABLE_ROWS ? sorted.slice(0, MAX_TABLE_ROWS) : sorted;
  const numeric = useMemo(
    () => columns.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === null || typeof r[i] === 'number')),
    [columns, rows],
  );

  const toggle = (col: number) =>
    setSort((s) => (s && s.col === col ? { col, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { col, dir: 'asc' }));

  return (
    <div className="table-result">
      <div className="table-scroll">
        <table data-testid="result-table">
          <thead>
            <tr>
              {columns.map((name, i) => {
                const dir = sort?.col === i ? sort.dir : undefined;
                return (
                  <th
                    key={i}
                    scope="col"
                    aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                    className={numeric[i] ? 'num' : undefined}
                  >
                    <button
                      type="button"
                      className="sort-button"
                      data-testid={`result-sort-${i}`}
                      title={name}
                      onClick={() => toggle(i)}
                    >
                      <span className="ellipsis">{name}</span>
                      <span className="sort-mark" aria-hidden="true">
                        {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : ''}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {shown.map((row, r) => (
              <tr key={r} data-testid="result-row">
                {columns.map((_, i) => (
                  <td key={i} className={numeric[i] ? 'num' : undefined}>
                    {renderCell(row[i])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted table-count">
        {rows.length === 1 ? '1 row' : `${rows.length} rows`}
        {rows.length > MAX_TABLE_ROWS ? ` (showing the first ${MAX_TABLE_ROWS}${sort ? ' in this order' : ''})` : ''}
      </p>
    </div>
  );
}
