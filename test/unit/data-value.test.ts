import { describe, expect, it } from 'vitest';
import { copyDataValue, DEFAULT_DATA_LIMITS, type DataValue } from '../../electron/common/data-value';

/** The copied value, failing the test with the reported problem if the copy was refused. */
function copied(value: unknown): DataValue {
  const r = copyDataValue(value);
  if (!r.ok) throw new Error(`unexpectedly refused: ${r.problem}`);
  return r.value;
}

function problem(value: unknown, limits = DEFAULT_DATA_LIMITS): string {
  const r = copyDataValue(value, limits);
  if (r.ok) throw new Error(`unexpectedly accepted: ${String(value)}`);
  return r.problem;
}

describe('copyDataValue', () => {
  it('copies plain data into null-prototype objects, deeply', () => {
    const input = { a: [1, 'two', true, null, { b: -0.5 }], c: { d: 'e' } };
    const out = copied(input) as Record<string, unknown>;
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
    expect(Object.getPrototypeOf(out)).toBeNull();
    expect(Object.getPrototypeOf(out.c)).toBeNull();
    expect(Object.getPrototypeOf((out.a as unknown[])[4])).toBeNull();
    expect(Array.isArray(out.a)).toBe(true);
  });

  it('gives ordinary objects when nullProto is off (the guest side)', () => {
    const r = copyDataValue({ a: { b: 1 } }, { ...DEFAULT_DATA_LIMITS, nullProto: false });
    expect(r.ok && Object.getPrototypeOf(r.value)).toBe(Object.prototype);
  });

  it('refuses a cycle, naming where it closes', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = { back: a };
    expect(problem(a)).toBe('self.back: cycle or shared reference');
    const arr: unknown[] = [];
    arr.push(arr);
    expect(problem(arr)).toBe('[0]: cycle or shared reference');
  });

  it('copies a value referenced twice (not a cycle) as two copies', () => {
    const shared = { n: 1 };
    const out = copied({ a: shared, b: shared }) as Record<string, Record<string, number>>;
    expect(out.a).toEqual({ n: 1 });
    expect(out.a).not.toBe(out.b);
  });

  it('bounds depth', () => {
    const nest = (n: number) => {
      let v: unknown = 1;
      for (let i = 0; i < n; i++) v = [v];
      return v;
    };
    expect(copyDataValue(nest(DEFAULT_DATA_LIMITS.maxDepth)).ok).toBe(true);
    expect(problem(nest(DEFAULT_DATA_LIMITS.maxDepth + 1))).toMatch(/nested deeper than 64$/);
    // Far past the limit: refused by the depth check, not by blowing the stack.
    expect(problem(nest(100_000))).toMatch(/nested deeper than 64$/);
  });

  it('bounds the number of values and the string length', () => {
    const limits = { ...DEFAULT_DATA_LIMITS, maxNodes: 10, maxStringLength: 5 };
    expect(
      problem(
        Array.from({ length: 20 }, () => 0),
        limits,
      ),
    ).toMatch(/more than 10 values/);
    expect(problem({ s: 'too long' }, limits)).toBe('s: string longer than 5');
    expect(copyDataValue({ s: '12345' }, limits).ok).toBe(true);
  });

  it('refuses a getter without invoking it', () => {
    let ran = 0;
    const obj = {
      plain: 1,
      get secret() {
        ran++;
        return 'leaked';
      },
    };
    expect(problem(obj)).toMatch(/secret: getters are not plain data$/);
    const arr = [1];
    Object.defineProperty(arr, 0, {
      get() {
        ran++;
        return 2;
      },
      enumerable: true,
    });
    expect(problem(arr)).toBe('[0]: holes and accessors are not plain data');
    expect(ran).toBe(0);
  });

  it('skips a non-enumerable getter without invoking it', () => {
    let ran = false;
    const obj = { a: 1 };
    Object.defineProperty(obj, 'hidden', {
      get() {
        ran = true;
        return 2;
      },
      enumerable: false,
    });
    expect(copied(obj)).toEqual({ a: 1 });
    expect(ran).toBe(false);
  });

  it('never calls toJSON, valueOf or toString', () => {
    let ran = false;
    const trap = () => {
      ran = true;
      return 'x';
    };
    const r = copyDataValue({ toJSON: trap, valueOf: trap });
    expect(r.ok).toBe(false);
    expect(ran).toBe(false);
  });

  it('reads a Proxy through descriptors only: its get trap never runs and the copy is detached', () => {
    const calls: string[] = [];
    const target = { a: 1, nested: { b: 2 } };
    const proxy = new Proxy(target, {
      get(t, k, r) {
        calls.push(`get ${String(k)}`);
        return Reflect.get(t, k, r);
      },
    });
    const out = copied(proxy) as Record<string, unknown>;
    expect(out).toEqual({ a: 1, nested: { b: 2 } });
    expect(calls).toEqual([]);
    target.a = 99;
    expect(out.a).toBe(1);
  });

  it('refuses a Proxy whose descriptor trap reports an accessor', () => {
    const proxy = new Proxy(
      { a: 1 },
      { getOwnPropertyDescriptor: () => ({ get: () => 1, enumerable: true, configurable: true }) },
    );
    expect(problem(proxy)).toMatch(/a: getters are not plain data$/);
  });

  // Regression: a Proxy whose trap throws, or a revoked Proxy, once made copyDataValue
  // throw instead of returning { ok: false }, contrary to its "says what is wrong" contract.
  it('reports a Proxy whose traps throw as a problem rather than throwing', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new TypeError('boom');
        },
      },
    );
    expect(copyDataValue(hostile).ok).toBe(false);
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    expect(copyDataValue(revocable.proxy).ok).toBe(false);
  });

  it.each([
    [
      'a class instance',
      new (class Point {
        x = 1;
      })(),
    ],
    ['a Map', new Map([['a', 1]])],
    ['a Set', new Set([1])],
    ['a Date', new Date(0)],
    ['a RegExp', /x/],
    ['an Error', new Error('x')],
    ['an object inheriting from another', Object.create({ inherited: 1 })],
    ['an Int32Array', new Int32Array(2)],
    ['an ArrayBuffer', new ArrayBuffer(2)],
  ])('refuses %s', (_what, value) => {
    expect(problem({ v: value })).toMatch(/^v: only plain objects are data$/);
  });

  it.each([
    ['a function', () => 1, 'function is not plain data'],
    ['a symbol', Symbol('s'), 'symbol is not plain data'],
    ['a bigint', 1n, 'bigint is not plain data'],
    ['NaN', NaN, 'numbers must be finite'],
    ['Infinity', Infinity, 'numbers must be finite'],
  ])('refuses %s', (_what, value, message) => {
    expect(problem({ v: value })).toBe(`v: ${message}`);
  });

  it('refuses symbol keys, holes and arrays with a foreign prototype', () => {
    expect(problem({ [Symbol('k')]: 1 })).toBe('(value): symbol keys are not data');
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    expect(problem([1, , 3])).toBe('[1]: holes and accessors are not plain data');
    const arr = [1];
    Object.setPrototypeOf(arr, null);
    expect(problem(arr)).toBe('(value): array with a foreign prototype');
  });

  it('keeps an own "__proto__" key as data, in a null-prototype object', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as object;
    const out = copied(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBeNull();
    expect(Object.keys(out)).toEqual(['__proto__', 'ok']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: true });
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('keeps an own "__proto__" key as data on the guest side too (ordinary objects)', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    const r = copyDataValue(input, { ...DEFAULT_DATA_LIMITS, nullProto: false });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    expect(Object.keys(r.value as object)).toEqual(['__proto__']);
    expect((r.value as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('copies a Uint8Array instead of aliasing it', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const out = copied({ bytes }) as { bytes: Uint8Array };
    expect(out.bytes).toBeInstanceOf(Uint8Array);
    expect([...out.bytes]).toEqual([1, 2, 3]);
    bytes[0] = 9;
    expect(out.bytes[0]).toBe(1);
    expect(out.bytes.buffer).not.toBe(bytes.buffer);
  });

  it('copies only the view of a Uint8Array over a larger buffer', () => {
    const view = new Uint8Array(new Uint8Array([0, 1, 2, 3, 4]).buffer, 1, 2);
    const out = copied(view) as Uint8Array;
    expect([...out]).toEqual([1, 2]);
    expect(out.buffer.byteLength).toBe(2);
  });

  it('drops undefined properties and turns undefined array elements into null, like JSON', () => {
    const input = { a: undefined, b: 1, c: [undefined, 2] };
    expect(copied(input)).toEqual(JSON.parse(JSON.stringify(input)));
    expect(Object.keys(copied(input) as object)).toEqual(['b', 'c']);
  });

  it('refuses undefined itself', () => {
    expect(problem(undefined)).toBe('(value): undefined is not plain data');
  });
});
