// Shared intrinsics are frozen by lockdown(): poisoning them must throw, and must change nothing
// the sandbox's own bridge relies on (the next command's results and host calls stay correct).
// Dangerous or channel-opening globals must be absent, timers must not evaluate strings, and
// no Node-specific object (Buffer, Timeout) may reach the guest.
import { describe, expect, it } from 'vitest';
import { outcomesNotMatching, reportOf, useSecuritySuite } from './harness';

const suite = useSecuritySuite();

/** Each entry: what is poisoned, and guest statements that try it (each must throw). */
const POISONINGS: Array<[string, string[]]> = [
  [
    'Object.prototype',
    [
      'Object.prototype.polluted = 1',
      '({}).__proto__.polluted = 1',
      "Object.defineProperty(Object.prototype, 'polluted', { value: 1 })",
      "Object.defineProperty(Object.prototype, 'then', { get() { return (r) => r('hijacked'); } })",
      'Object.setPrototypeOf(Object.prototype, { polluted: 1 })',
      "Reflect.set(Object.prototype, 'polluted', 1) || (() => { throw new TypeError('refused'); })()",
    ],
  ],
  [
    'Array.prototype.push and friends',
    [
      'Array.prototype.push = function () { return 0; }',
      "Object.defineProperty(Array.prototype, 'map', { value: () => [] })",
      'Array.prototype[Symbol.iterator] = function* () {}',
      'delete Array.prototype.slice || (() => { throw new TypeError("refused"); })()',
    ],
  ],
  [
    'Promise.prototype.then',
    [
      'Promise.prototype.then = function () { return this; }',
      "Object.defineProperty(Promise.prototype, 'then', { value: () => {} })",
      'Promise.resolve = () => Promise.reject(new Error("poisoned"))',
    ],
  ],
  [
    'JSON.parse and JSON.stringify',
    [
      'JSON.parse = () => ({ polluted: 1 })',
      'JSON.stringify = () => "{}"',
      "delete JSON.parse || (() => { throw new TypeError('refused'); })()",
    ],
  ],
  [
    'Symbol.species',
    [
      'Object.defineProperty(Array, Symbol.species, { get() { return function Evil() {}; } })',
      'Object.defineProperty(Promise, Symbol.species, { get() { return function Evil() {}; } })',
      'Object.defineProperty(Uint8Array, Symbol.species, { get() { return function Evil() {}; } })',
    ],
  ],
  [
    'Function.prototype.call/apply/bind and Reflect.apply',
    [
      'Function.prototype.call = function () { return "hijacked"; }',
      'Function.prototype.apply = function () { return "hijacked"; }',
      'Function.prototype.bind = function () { return () => "hijacked"; }',
      'Reflect.apply = () => "hijacked"',
    ],
  ],
  [
    'typed arrays and ArrayBuffer',
    [
      'Uint8Array.prototype.set = function () {}',
      "Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), 'length', { get() { return 0; } })",
      'ArrayBuffer.prototype.slice = function () { return new ArrayBuffer(0); }',
    ],
  ],
  [
    'Error.prototype and the Error constructor',
    [
      'Error.prototype.toString = () => "hijacked"',
      "Object.defineProperty(Error.prototype, 'message', { get() { return 'hijacked'; } })",
      'TypeError.prototype.name = "hijacked"',
    ],
  ],
  [
    'String, RegExp and Symbol.replace',
    [
      'String.prototype.replace = () => "hijacked"',
      'RegExp.prototype.exec = () => null',
      'RegExp.prototype[Symbol.replace] = () => "hijacked"',
      'String.prototype.startsWith = () => true',
    ],
  ],
  [
    'Map, Set and Object statics',
    [
      'Map.prototype.get = () => "hijacked"',
      'Set.prototype.has = () => true',
      'Object.keys = () => []',
      'Object.defineProperty = () => ({})',
      'Object.freeze = (o) => o',
    ],
  ],
];

/** Ordinary work the sandbox bridge does for a guest; its answer must not change after poisoning. */
const CHECK_COMMAND = `
  host.commands.register('check', async () => {
    const arr = [3, 1, 2];
    arr.push(4);
    await host.storage.set('k', { a: [1, 2], s: 'x'.replace('x', 'y') });
    await host.fs.writeText('f.txt', JSON.stringify({ n: 1 }));
    return {
      type: 'json',
      value: {
        arr: arr.slice().sort(), parsed: JSON.parse('{"a":1}'), polluted: ({}).polluted === undefined,
        stored: await host.storage.get('k'), keys: await host.storage.keys(), text: await host.fs.readText('f.txt'),
        list: await host.fs.list('.'), mapped: [1, 2].map((x) => x * 2),
      },
    };
  });`;
const CHECK_RESULT = {
  type: 'json',
  value: {
    arr: [1, 2, 3, 4],
    parsed: { a: 1 },
    polluted: true,
    stored: { a: [1, 2], s: 'y' },
    keys: ['k'],
    text: '{"n":1}',
    list: [{ name: 'f.txt', kind: 'file', size: 7 }],
    mapped: [2, 4],
  },
};

describe('poisoning shared intrinsics', () => {
  it.each(POISONINGS)(
    'poisoning %s throws, and the next command still gets correct answers',
    async (_what, attempts) => {
      const body = attempts
        .map((code, i) => `await probe(${JSON.stringify(`#${i} ${code}`)}, () => { ${code}; return 'poisoned'; });`)
        .join('\n');
      const outcome = await suite.attempt({ body, commands: ['run', 'check'], activate: CHECK_COMMAND });
      const report = reportOf(outcome);
      expect(report.leaks).toEqual([]);
      expect(Object.keys(report.outcomes)).toHaveLength(attempts.length);
      expect(outcomesNotMatching(report, /^threw TypeError/)).toEqual([]);

      expect((await suite.invoke(outcome.id, 'check')).result).toEqual(CHECK_RESULT);
      // The host process shares none of it.
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    },
  );
});

describe('what a guest must not have', () => {
  it('SharedArrayBuffer, Atomics, WebAssembly, WeakRef and FinalizationRegistry are absent and unreachable', async () => {
    const report = await suite.probe(`
      const names = ['SharedArrayBuffer', 'Atomics', 'WebAssembly', 'WeakRef', 'FinalizationRegistry'];
      for (const n of names) {
        await probe(n + ' on globalThis', () => typeof globalThis[n]);
        await probe(n + ' by name', () => (0, eval)('typeof ' + n));
        await probe(n + ' in a nested compartment', () => typeof new Compartment().globalThis[n]);
        await probe(n + ' among own names', () => Object.getOwnPropertyNames(globalThis).includes(n) ? 'present' : 'undefined');
      }
      await probe('a growable buffer is still an ArrayBuffer', () =>
        Object.getPrototypeOf(new ArrayBuffer(8, { maxByteLength: 16 })) === ArrayBuffer.prototype ? 'undefined' : 'other');
    `);
    expect(report.leaks).toEqual([]);
    expect(Object.keys(report.outcomes)).toHaveLength(21);
    expect(outcomesNotMatching(report, /^returned "undefined"$/)).toEqual([]);
  });

  it('performance, where present, is only a coarse clock: no marks, observers or Node perf_hooks', async () => {
    const report = await suite.probe(`
      await probe('shape', () => typeof performance === 'undefined' ? 'absent' :
        [Object.isFrozen(performance), Object.keys(performance).sort().join(), typeof performance.now()].join(' '));
      await probe('Node extras', () => typeof performance === 'undefined' ? [] :
        ['mark', 'measure', 'timerify', 'eventLoopUtilization', 'getEntries', 'toJSON', 'nodeTiming']
          .filter((n) => performance[n] !== undefined));
    `);
    expect(report.leaks).toEqual([]);
    expect(report.outcomes.shape).toMatch(/^returned "(absent|true now,timeOrigin number)"$/);
    expect(report.outcomes['Node extras']).toBe('returned []');
  });

  it('timers refuse code strings and hand out plain numbers, not Node Timeout objects', async () => {
    const report = await suite.probe(`
      const code = "host.storage.set('pwned', 1)";
      await probe('setTimeout(string)', () => setTimeout(code, 0));
      await probe('setInterval(string)', () => setInterval(code, 0));
      await probe('setTimeout(new String)', () => setTimeout(new String(code), 0));
      await probe('setTimeout(object with toString)', () => setTimeout({ toString: () => code }, 0));
      const handle = setTimeout(() => {}, 1e6);
      const interval = setInterval(() => {}, 1e6);
      await probe('timeout handle', () => [typeof handle, typeof interval]);
      await probe('Timeout methods', () => [handle.ref, handle.unref, handle.refresh, handle.hasRef, handle[Symbol.toPrimitive]].map((m) => typeof m));
      await probe('clearing with hostile objects', () => {
        let coerced = 0;
        const hostile = { valueOf() { coerced++; return handle; }, [Symbol.toPrimitive]() { coerced++; return handle; } };
        clearTimeout(hostile); clearInterval(hostile);
        return coerced;
      });
      clearTimeout(handle);
      clearInterval(interval);
      await probe('callback this and arguments', () => new Promise((resolve) => {
        setTimeout(function (a, b) { resolve([this === undefined, a, b]); }, 0, 'x', 2);
      }));
      await probe('pwned key', async () => (await host.storage.keys()).includes('pwned'));
    `);
    expect(report.leaks).toEqual([]);
    expect(report.outcomes).toMatchObject({
      'timeout handle': 'returned ["number","number"]',
      'Timeout methods': 'returned ["undefined","undefined","undefined","undefined","undefined"]',
      'clearing with hostile objects': 'returned 0',
      'callback this and arguments': 'returned [true,"x",2]',
      'pwned key': 'returned false',
    });
    for (const name of [
      'setTimeout(string)',
      'setInterval(string)',
      'setTimeout(new String)',
      'setTimeout(object with toString)',
    ]) {
      expect(report.outcomes[name], name).toMatch(/^threw TypeError: timer callback must be a function/);
    }
  });

  it("Node's Buffer never reaches the guest: host bytes, invoke arguments and endowments are exact, plain Uint8Arrays", async () => {
    const report = await suite.probe(
      `
      const describe = (u) => [
        Object.getPrototypeOf(u) === Uint8Array.prototype, u.constructor === Uint8Array, typeof u.readUInt8,
        typeof u.toJSON, Object.getPrototypeOf(u.buffer) === ArrayBuffer.prototype,
        // A view into a larger (pooled) buffer would expose bytes that are not the guest's.
        u.byteOffset === 0 && u.buffer.byteLength === u.length,
      ].join();
      await host.fs.writeBytes('b.bin', new Uint8Array([7, 8, 9]));
      await probe('host.fs.readBytes', async () => describe(await host.fs.readBytes('b.bin')));
      await host.fs.writeText('t.txt', 'text');
      await probe('readBytes of a text file', async () => describe(await host.fs.readBytes('t.txt')));
      await probe('Uint8Array argument', () => describe(args.bytes));
      await probe('Buffer argument (a slice of a larger buffer)', () => describe(args.slice));
      await probe('TextEncoder.encode', () => describe(new TextEncoder().encode('abc')));
      await probe('structuredClone', () => describe(structuredClone(new Uint8Array([1, 2]))));
      await probe('crypto.getRandomValues', () => describe(crypto.getRandomValues(new Uint8Array(4))));
      await probe('slice content', () => Array.from(args.slice));
    `,
      { args: { bytes: new Uint8Array([1, 2, 3]), slice: Buffer.from('abcdefgh').subarray(2, 5) } },
    );
    expect(report.leaks).toEqual([]);
    const expected = 'returned "true,true,undefined,undefined,true,true"';
    for (const [name, text] of Object.entries(report.outcomes)) {
      if (name !== 'slice content') expect(text, name).toBe(expected);
    }
    expect(report.outcomes['slice content']).toBe('returned [99,100,101]');
  });

  // Regression: Node's TextEncoder/TextDecoder, the URL base class behind the guest URL and
  // URLSearchParams iterators once handed guests objects whose prototypes were Node internals that
  // lockdown() never froze. The sandbox now wraps them (electron/sandbox/web-wrappers.ts).
  it('objects reachable from endowments have frozen prototypes (no mutable Node internals)', async () => {
    const report = await suite.probe(`
      const thrown = (fn) => { try { fn(); } catch (e) { return e; } return undefined; };
      const reachable = {
        'TextDecoder error': thrown(() => new TextDecoder('no-such-encoding')),
        'TextEncoder.encodeInto error': thrown(() => new TextEncoder().encodeInto('x', {})),
        'URL base class error': thrown(() => Object.getPrototypeOf(URL).createObjectURL({})),
        'URLSearchParams iterator': new URLSearchParams('a=1').entries(),
        'URL searchParams iterator': new URL('http://a/?b=1').searchParams.keys(),
      };
      for (const name of Object.keys(reachable)) {
        await probe(name, () => {
          const mutable = [];
          for (let p = Object.getPrototypeOf(reachable[name]); p; p = Object.getPrototypeOf(p)) {
            if (!Object.isFrozen(p)) mutable.push(p);
          }
          for (const p of mutable) p.polluted = 1;
          return mutable.length;
        });
      }
    `);
    expect(report.leaks).toEqual([]);
    expect(outcomesNotMatching(report, /^returned 0$/)).toEqual([]);
  });
});
