/** A JSON result as a collapsible tree (objects and arrays open two levels deep at first). */
import { useState } from 'react';
import type { DataValue } from '../../../../../electron/common/data-value';

const MAX_CHILDREN = 500;
const OPEN_DEPTH = 2;

function Leaf({ value }: { value: DataValue }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === 'string') return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="json-boolean">{String(value)}</span>;
  if (value instanceof Uint8Array) return <span className="json-bytes">‹{value.length} bytes›</span>;
  return null;
}

function isBranch(v: DataValue): v is DataValue[] | { [key: string]: DataValue } {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array);
}

function Node({ name, value, depth }: { name: string | null; value: DataValue; depth: number }) {
  const [open, setOpen] = useState(depth < OPEN_DEPTH);
  const label = name === null ? null : <span className="json-key">{name}: </span>;
  if (!isBranch(value)) {
    return (
      <li className="json-leaf">
        {label}
        <Leaf value={value} />
      </li>
    );
  }
  const entries: [string, DataValue][] = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : Object.keys(value).map((k) => [k, value[k]!]);
  const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <li className="json-branch">
      <button
        type="button"
        className="json-toggle"
        aria-expanded={open}
        data-testid="json-toggle"
        onClick={() => setOpen(!open)}
      >
        <span className="json-caret" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        {label}
        <span className="muted">{summary}</span>
      </button>
      {open && (
        <ul>
          {entries.slice(0, MAX_CHILDREN).map(([k, v]) => (
            <Node key={k} name={k} value={v} depth={depth + 1} />
          ))}
          {entries.length > MAX_CHILDREN && <li className="muted">… {entries.length - MAX_CHILDREN} more</li>}
        </ul>
      )}
    </li>
  );
}

export function JsonTree({ value }: { value: DataValue }) {
  return (
    <ul className="json-tree mono" data-testid="json-tree">
      <Node name={null} value={value} depth={0} />
    </ul>
  );
}
