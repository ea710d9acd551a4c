/**
 * Plain data that may cross the process boundary: null, booleans, finite numbers, strings,
 * arrays, plain objects and Uint8Array. Anything else (functions, class instances, Maps, Dates,
 * cycles, accessor properties) is refused, and what is accepted is copied into null-prototype
 * objects so no later host code can be tricked by `__proto__`, `constructor` or `toString` keys.
 */

export type DataValue = null | boolean | number | string | Uint8Array | DataValue[] | { [key: string]: DataValue };

export interface DataLimits {
  maxDepth: number;
  maxNodes: number;
  maxStringLength: number;
  /**
   * Null-prototype objects for the host (no inherited `toString`/`__proto__` surprises); ordinary
   * objects for the guest, whose libraries call `obj.hasOwnProperty` (its intrinsics are frozen).
   */
  nullProto: boolean;
}

export const DEFAULT_DATA_LIMITS: DataLimits = {
  maxDepth: 64,
  maxNodes: 200_000,
  maxStringLength: 16 * 1024 * 1024,
  nullProto: true,
};

export type CopyResult = { ok: true; value: DataValue } | { ok: false; problem: string };

/**
 * Copies `value` as plain data, or says what is wrong (with a path). Depth and node counts bound
 * the work on hostile input. No getter is ever invoked (only own data-property descriptors are
 * read); a Proxy's getPrototypeOf/ownKeys/getOwnPropertyDescriptor traps do run (in the sandbox,
 * on the guest's own values), and a trap that throws makes the value "not data". Never throws.
 */
export function copyDataValue(value: unknown, limits: DataLimits = DEFAULT_DATA_LIMITS): CopyResult {
  // A lone string, boolean or null (a file's text, say) is its own copy: no walk to set up.
  if (limits.maxNodes >= 1) {
    if (typeof value === 'string' && value.length <= limits.maxStringLength) return { ok: true, value };
    if (value === null || typeof value === 'boolean') return { ok: true, value };
  }
  let nodes = 0;
  const seen = new Set<object>();
  const fail = (path: string, problem: string): never => {
    throw new DataProblem(`${path || '(value)'}: ${problem}`);
  };
  const walk = (v: unknown, path: string, depth: number): DataValue => {
    if (++nodes > limits.maxNodes) fail(path, `more than ${limits.maxNodes} values`);
    if (v === null || typeof v === 'boolean') return v as null | boolean;
    if (typeof v === 'number') return Number.isFinite(v) ? v : fail(path, 'numbers must be finite');
    if (typeof v === 'string') {
      return v.length <= limits.maxStringLength ? v : fail(path, `string longer than ${limits.maxStringLength}`);
    }
    if (typeof v !== 'object') return fail(path, `${typeof v} is not plain data`);
    if (depth >= limits.maxDepth) fail(path, `nested deeper than ${limits.maxDepth}`);
    if (seen.has(v)) fail(path, 'cycle or shared reference');
    if (v instanceof Uint8Array) {
      // A fresh copy: the sender's buffer must not stay aliased to what the host keeps.
      return new Uint8Array(v);
    }
    seen.add(v);
    try {
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype) fail(path, 'array with a foreign prototype');
        const out: DataValue[] = [];
        for (let i = 0; i < v.length; i++) {
          const desc = Object.getOwnPropertyDescriptor(v, i);
          if (!desc || !('value' in desc)) fail(`${path}[${i}]`, 'holes and accessors are not plain data');
          // As in JSON: an undefined element becomes null.
          out.push(desc!.value === undefined ? null : walk(desc!.value, `${path}[${i}]`, depth + 1));
        }
        return out;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) fail(path, 'only plain objects are data');
      const out: { [key: string]: DataValue } = limits.nullProto ? Object.create(null) : {};
      for (const key of Reflect.ownKeys(v)) {
        if (typeof key === 'symbol') fail(path, 'symbol keys are not data');
        const desc = Object.getOwnPropertyDescriptor(v, key)!;
        if (!desc.enumerable) continue;
        if (!('value' in desc)) fail(path ? `${path}.${String(key)}` : String(key), 'getters are not plain data');
        if (desc.value === undefined) continue; // as in JSON: an undefined property is left out
        Object.defineProperty(out, key, {
          value: walk(desc.value, path ? `${path}.${String(key)}` : String(key), depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };
  try {
    return { ok: true, value: walk(value, '', 0) };
  } catch (err) {
    if (err instanceof DataProblem) return { ok: false, problem: err.message };
    if (err instanceof RangeError) return { ok: false, problem: 'value is too deeply nested' };
    // A Proxy whose traps throw (or a revoked one): the value cannot be read, so it is not data.
    return { ok: false, problem: 'value could not be read' };
  }
}

class DataProblem extends Error {}
