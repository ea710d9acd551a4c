/**
 * sandbox/array-by-copy.ts against V8's own change-array-by-copy (present in the test runner's
 * node): same results, same errors, and the same observable steps (every property read, in
 * order, through a Proxy), on ordinary arrays, array-likes, holes and typed arrays.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { arrayMethods, typedArrayMethods } from '../../electron/sandbox/array-by-copy';

type Fn = (...a: unknown[]) => unknown;
const ours = arrayMethods();
const oursTyped = typedArrayMethods();
const native = Array.prototype as unknown as Record<string, Fn>;
const nativeTyped = Object.getPrototypeOf(Int8Array.prototype) as Record<string, Fn>;

/** Runs `fn` on a traced copy of `make()`: the result (or error class and not message) and every get. */
function observe(fn: Fn, make: () => object, args: unknown[]) {
  const log: string[] = [];
  const target = make();
  const proxy = Array.isArray(target)
    ? new Proxy(target, {
        get(t, k, r) {
          log.push(`get ${String(k)}`);
          return Reflect.get(t, k, r);
        },
        has(t, k) {
          log.push(`has ${String(k)}`);
          return Reflect.has(t, k);
        },
      })
    : target;
  const tracedArgs = args.map((a) =>
    a && typeof a === 'object' && 'valueOf' in a && !Array.isArray(a)
      ? { valueOf: () => (log.push('valueOf'), (a as { valueOf(): unknown }).valueOf()) }
      : a,
  );
  try {
    const value = fn.apply(proxy, tracedArgs);
    const ctor = (Object.getPrototypeOf(value) as { constructor: unknown }).constructor;
    return { value, ctor, keys: Object.keys(value as object), log };
  } catch (e) {
    return { error: (e as Error).constructor.name, log };
  }
}

function same(name: string, make: () => object, args: unknown[], typed = false) {
  const a = observe((typed ? oursTyped : ours)[name]!, make, args);
  const b = observe((typed ? nativeTyped : native)[name]!, make, args);
  expect(a, `${name}(${inspect(args)})`).toEqual(b);
}

const holey = () => {
  const a = [3, , 1, undefined, 'b', , 2]; // eslint-disable-line no-sparse-arrays
  return a;
};
const arrays = [() => [], () => [1, 2, 3], holey, () => ['b', 'a', 10, 9, 1, undefined, null, NaN]];
const indices = [
  0,
  1,
  -1,
  2,
  -3,
  3,
  10,
  -10,
  1.7,
  -0.5,
  NaN,
  Infinity,
  -Infinity,
  '1',
  { valueOf: () => 1 },
  undefined,
];

describe('Array.prototype change-array-by-copy, as V8 does it', () => {
  it('toReversed', () => {
    for (const make of arrays) same('toReversed', make, []);
  });
  it('toSorted, with and without a comparator; a bad comparator throws first', () => {
    for (const make of arrays) {
      same('toSorted', make, []);
      same('toSorted', make, [(x: number, y: number) => (y > x ? 1 : y < x ? -1 : 0)]);
      same('toSorted', make, [null]);
      same('toSorted', make, ['nope']);
    }
  });
  it('with, every kind of index', () => {
    for (const make of arrays) for (const i of indices) same('with', make, [i, 'X']);
  });
  it('toSpliced, with 0, 1, 2 and more arguments', () => {
    for (const make of arrays) {
      same('toSpliced', make, []);
      for (const s of indices) {
        same('toSpliced', make, [s]);
        for (const c of [0, 1, 2, -1, 99, NaN, undefined, Infinity]) {
          same('toSpliced', make, [s, c]);
          same('toSpliced', make, [s, c, 'x', 'y']);
        }
      }
    }
  });
  it('array-likes, strings, primitives, null', () => {
    const likes = [
      () => ({ length: 3, 0: 'a', 2: 'c' }),
      () => ({ length: -4 }),
      () => ({ length: '2', 0: 1, 1: 0 }),
      () => Object('abc') as object,
    ];
    for (const make of likes) {
      for (const n of ['toReversed', 'toSorted']) same(n, make, []);
      same('with', make, [0, 'z']);
      same('toSpliced', make, [1, 1, 'q']);
    }
    for (const n of ['toReversed', 'toSorted', 'with', 'toSpliced']) {
      expect(() => ours[n]!.call(null, 0, 0)).toThrow(TypeError);
      expect(() => ours[n]!.call(undefined, 0, 0)).toThrow(TypeError);
      same(n, () => Object(5) as object, n === 'toSorted' ? [] : [0, 0]);
    }
    // Too long for an array: RangeError from ArrayCreate, before any element is read.
    same('toReversed', () => ({ length: 2 ** 32 }), []);
    same('with', () => ({ length: 2 ** 32 }), [0, 1]);
    same('toSpliced', () => ({ length: 2 ** 53 - 1 }), [0, 0, 1]); // TypeError: past 2^53-1
    // BigInt and Symbol indices throw as ToNumber does.
    same('with', () => [1], [1n, 0]);
    same('with', () => [1], [Symbol('s'), 0]);
  });
  it('has the spec shape: names, lengths, no prototype, not a constructor', () => {
    for (const n of ['toReversed', 'toSorted', 'with', 'toSpliced']) {
      expect(ours[n]!.name).toBe(native[n]!.name);
      expect(ours[n]!.length).toBe(native[n]!.length);
      expect(Object.prototype.hasOwnProperty.call(ours[n], 'prototype')).toBe(false);
      expect(() => new (ours[n] as unknown as new () => unknown)()).toThrow(TypeError);
    }
  });
});

describe('%TypedArray%.prototype change-array-by-copy, as V8 does it', () => {
  const typed = [
    () => new Int8Array([3, -1, 2, 0]),
    () => new Uint8ClampedArray([200, 1, 3]),
    () => new Float64Array([NaN, -0, 0, 2.5, -Infinity, 1]),
    () => new Float32Array([1.1, 0.5]),
    () => new BigInt64Array([3n, -2n, 1n]),
    () => new Uint32Array(0),
  ];
  it('toReversed and toSorted (NaN last, -0 before +0), same type', () => {
    for (const make of typed) {
      same('toReversed', make, [], true);
      same('toSorted', make, [], true);
      same('toSorted', make, [(x: number, y: number) => (x < y ? 1 : -1)], true);
      same('toSorted', make, [{}], true);
    }
  });
  it('with: ToNumber / ToBigInt once, then the index check', () => {
    for (const make of typed) {
      const value = make() instanceof BigInt64Array ? 7n : 7.5;
      for (const i of indices) same('with', make, [i, value], true);
      same('with', make, [0, { valueOf: () => value }], true);
      same('with', make, [0, make() instanceof BigInt64Array ? 1 : 1n], true); // wrong kind: TypeError
    }
  });
  it('refuses a non-typed-array receiver and a detached buffer', () => {
    for (const n of ['toReversed', 'toSorted', 'with']) {
      expect(() => oursTyped[n]!.call([1, 2], 0, 0)).toThrow(TypeError);
      const detached = new Uint8Array(4);
      structuredClone(detached.buffer, { transfer: [detached.buffer] });
      same(n, () => detached, [0, 0], true);
    }
  });
  it('detaching the buffer during the value conversion of with is a RangeError', () => {
    const run = (fn: Fn) => {
      const a = new Uint8Array([1, 2, 3]);
      try {
        fn.call(a, 1, { valueOf: () => (structuredClone(a.buffer, { transfer: [a.buffer] }), 5) });
        return 'no error';
      } catch (e) {
        return (e as Error).constructor.name;
      }
    };
    expect(run(oursTyped.with!)).toBe(run(nativeTyped.with!));
  });
});
