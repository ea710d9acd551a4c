/**
 * ES2023 "change array by copy" (Array.prototype.toSorted/toReversed/with/toSpliced and
 * %TypedArray%.prototype.toSorted/toReversed/with), step by step from the specification, for a V8
 * started without its own: the start-up snapshot needs `--no-harmony-change-array-by-copy` on
 * V8s that would otherwise add them to the frozen Array.prototype while deserialising (and abort).
 * Installed before lockdown, only where missing, so extensions see the same methods either way.
 *
 * Every intrinsic used is captured when the methods are made: after lockdown nothing can change
 * them, and before it no extension code has run.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- the spec's values are untyped */

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_ARRAY_LENGTH = 2 ** 32 - 1;

type Methods = Record<string, (...args: any[]) => unknown>;

/** ToIntegerOrInfinity: unary plus throws on Symbol and BigInt as ToNumber does. */
function toIntegerOrInfinity(v: unknown): number {
  const n = +(v as number);
  if (n !== n || n === 0) return 0;
  if (n === Infinity || n === -Infinity) return n;
  return Math.trunc(n);
}

function toObject(v: unknown): any {
  if (v === null || v === undefined) throw new TypeError('Array.prototype method called on null or undefined');
  return Object(v);
}

function lengthOfArrayLike(o: any): number {
  const len = toIntegerOrInfinity(o.length);
  return len <= 0 ? 0 : Math.min(len, MAX_SAFE);
}

function arrayCreate(len: number): unknown[] {
  if (len > MAX_ARRAY_LENGTH) throw new RangeError('Invalid array length');
  return new Array<unknown>(len);
}

/** The four Array.prototype methods (concise methods: no `prototype`, not constructors). */
export function arrayMethods(): Methods {
  const arraySort = Array.prototype.sort;
  const apply = Reflect.apply;
  return {
    toReversed() {
      const o = toObject(this);
      const len = lengthOfArrayLike(o);
      const a = arrayCreate(len);
      for (let k = 0; k < len; k++) a[k] = o[len - k - 1];
      return a;
    },
    toSorted(comparefn: unknown) {
      if (comparefn !== undefined && typeof comparefn !== 'function')
        throw new TypeError('The comparison function must be either a function or undefined');
      const o = toObject(this);
      const len = lengthOfArrayLike(o);
      const a = arrayCreate(len);
      // SortIndexedProperties with read-through-holes: every index is read, holes as undefined;
      // the intrinsic sort on a hole-free list is SortCompare (undefined last, comparefn or strings).
      for (let k = 0; k < len; k++) a[k] = o[k];
      apply(arraySort, a, [comparefn]);
      return a;
    },
    with(index: unknown, value: unknown) {
      const o = toObject(this);
      const len = lengthOfArrayLike(o);
      const relative = toIntegerOrInfinity(index);
      const actual = relative >= 0 ? relative : len + relative;
      if (actual >= len || actual < 0) throw new RangeError('Invalid index');
      const a = arrayCreate(len);
      for (let k = 0; k < len; k++) a[k] = k === actual ? value : o[k];
      return a;
    },
    toSpliced(start: unknown, skipCount: unknown, ...items: unknown[]) {
      const o = toObject(this);
      const len = lengthOfArrayLike(o);
      const relativeStart = toIntegerOrInfinity(start);
      const actualStart =
        relativeStart === -Infinity
          ? 0
          : relativeStart < 0
            ? Math.max(len + relativeStart, 0)
            : Math.min(relativeStart, len);
      const insertCount = items.length;
      let actualSkipCount: number;
      if (arguments.length === 0) actualSkipCount = 0;
      else if (arguments.length === 1) actualSkipCount = len - actualStart;
      else actualSkipCount = Math.min(Math.max(toIntegerOrInfinity(skipCount), 0), len - actualStart);
      const newLen = len + insertCount - actualSkipCount;
      if (newLen > MAX_SAFE) throw new TypeError('Invalid array length');
      const a = arrayCreate(newLen);
      let i = 0;
      let r = actualStart + actualSkipCount;
      for (; i < actualStart; i++) a[i] = o[i];
      for (const e of items) a[i++] = e;
      for (; i < newLen; i++, r++) a[i] = o[r];
      return a;
    },
  };
}

/** The three %TypedArray%.prototype methods. */
export function typedArrayMethods(): Methods {
  const TypedArrayPrototype = Object.getPrototypeOf(Int8Array.prototype) as object;
  const desc = (k: PropertyKey) => Reflect.getOwnPropertyDescriptor(TypedArrayPrototype, k)!;
  const lengthOf = desc('length').get!;
  const nameOf = desc(Symbol.toStringTag).get!;
  const at = desc('at').value as (...a: unknown[]) => unknown;
  const sort = desc('sort').value as (...a: unknown[]) => unknown;
  const set = desc('set').value as (...a: unknown[]) => unknown;
  const apply = Reflect.apply;
  const constructors: Record<string, new (n: number) => any> = {};
  for (const C of [
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
    (globalThis as any).Float16Array as typeof Float32Array | undefined,
  ]) {
    if (C) constructors[C.name] = C;
  }
  /** ValidateTypedArray (TypeError for a non-TypedArray or a detached buffer), then its length. */
  const validate = (o: unknown): number => {
    apply(at, o, [0]);
    return apply(lengthOf, o, []) as number;
  };
  const createSameType = (o: unknown, len: number) => new constructors[apply(nameOf, o, []) as string]!(len);
  return {
    toReversed() {
      const len = validate(this);
      const a = createSameType(this, len);
      for (let k = 0; k < len; k++) a[k] = (this as any)[len - k - 1];
      return a;
    },
    toSorted(comparefn: unknown) {
      if (comparefn !== undefined && typeof comparefn !== 'function')
        throw new TypeError('The comparison function must be either a function or undefined');
      const len = validate(this);
      const a = createSameType(this, len);
      // Every element is read before comparefn runs, as in the spec; nothing else can reach `a`.
      apply(set, a, [this]);
      apply(sort, a, [comparefn]);
      return a;
    },
    with(index: unknown, value: unknown) {
      const len = validate(this);
      const relative = toIntegerOrInfinity(index);
      const actual = relative >= 0 ? relative : len + relative;
      // ToNumber or ToBigInt by the element type, exactly once: a one-element array of the type.
      const cell = createSameType(this, 1);
      cell[0] = value;
      const numeric: unknown = cell[0];
      // IsValidIntegerIndex after the conversion (which may have detached the buffer).
      const current = apply(lengthOf, this, []) as number;
      if (!Number.isInteger(actual) || actual < 0 || actual >= current)
        throw new RangeError('Invalid typed array index');
      const a = createSameType(this, len);
      for (let k = 0; k < len; k++) a[k] = k === actual ? numeric : (this as any)[k];
      return a;
    },
  };
}

function installMissing(target: object, methods: Methods): string[] {
  const added: string[] = [];
  for (const [name, fn] of Object.entries(methods)) {
    if (Object.prototype.hasOwnProperty.call(target, name)) continue;
    Object.defineProperty(target, name, { value: fn, writable: true, enumerable: false, configurable: true });
    added.push(name);
  }
  return added;
}

/**
 * Adds whichever of the seven methods this V8 lacks (none on a V8 started with its own), with
 * the spec's @@unscopables entries. Returns the names added. Must run before lockdown.
 */
export function restoreChangeArrayByCopy(): string[] {
  const added = installMissing(Array.prototype, arrayMethods());
  const unscopables = (Array.prototype as any)[Symbol.unscopables] as Record<string, boolean>;
  for (const name of ['toReversed', 'toSorted', 'toSpliced']) {
    if (added.includes(name)) {
      Object.defineProperty(unscopables, name, { value: true, writable: true, enumerable: true, configurable: true });
    }
  }
  const TypedArrayPrototype = Object.getPrototypeOf(Int8Array.prototype) as object;
  return [...added, ...installMissing(TypedArrayPrototype, typedArrayMethods()).map((n) => `%TypedArray%.${n}`)];
}
