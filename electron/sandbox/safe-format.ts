/**
 * Turns guest values into log text without trusting them: only own data properties are read (no
 * getters), depth and length are bounded, and a value that throws while being read is shown as
 * `[unreadable]` rather than breaking the caller.
 */

const MAX_DEPTH = 3;
const MAX_ITEMS = 50;

export function formatLogArgs(args: readonly unknown[], maxLength: number): string {
  let out = '';
  for (let i = 0; i < args.length && out.length < maxLength; i++) {
    const a = args[i];
    out += (i ? ' ' : '') + (typeof a === 'string' ? a : formatValue(a, 0, new Set()));
  }
  return out.length > maxLength ? `${out.slice(0, maxLength - 1)}…` : out;
}

export function formatValue(v: unknown, depth: number, seen: Set<object>): string {
  try {
    switch (typeof v) {
      case 'string':
        return depth === 0 ? v : JSON.stringify(v);
      case 'number':
      case 'boolean':
      case 'undefined':
        return String(v);
      case 'bigint':
        return `${String(v)}n`;
      case 'symbol':
        return v.description === undefined ? 'Symbol()' : `Symbol(${v.description})`;
      case 'function':
        return `[Function${typeof v.name === 'string' && v.name ? ` ${v.name}` : ''}]`;
    }
    if (v === null) return 'null';
    const obj = v as object;
    if (seen.has(obj)) return '[Circular]';
    if (isErrorLike(obj)) return errorText(obj);
    if (depth >= MAX_DEPTH) return Array.isArray(obj) ? '[Array]' : '[Object]';
    seen.add(obj);
    try {
      if (ArrayBuffer.isView(obj))
        return `${obj.constructor === Uint8Array ? 'Uint8Array' : 'TypedArray'}(${obj.byteLength})`;
      const keys = Reflect.ownKeys(obj).filter((k): k is string => typeof k === 'string');
      const parts: string[] = [];
      for (const key of keys.slice(0, MAX_ITEMS)) {
        const desc = Object.getOwnPropertyDescriptor(obj, key);
        if (!desc || !desc.enumerable) continue;
        const text = 'value' in desc ? formatValue(desc.value, depth + 1, seen) : '[Getter]';
        parts.push(
          Array.isArray(obj) ? text : `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: ${text}`,
        );
      }
      if (keys.length > MAX_ITEMS) parts.push('…');
      return Array.isArray(obj) ? `[ ${parts.join(', ')} ]` : `{ ${parts.join(', ')} }`;
    } finally {
      seen.delete(obj);
    }
  } catch {
    return '[unreadable]';
  }
}

function isErrorLike(v: object): v is Error {
  return v instanceof Error;
}

/** `Name: message` read defensively (both may be getters on a hostile object). */
export function errorText(err: unknown): string {
  try {
    if (err instanceof Error) {
      const name = typeof err.name === 'string' ? err.name : 'Error';
      const message = typeof err.message === 'string' ? err.message : '';
      return message ? `${name}: ${message}` : name;
    }
    return typeof err === 'string' ? err : formatValue(err, 1, new Set());
  } catch {
    return '[unreadable error]';
  }
}
