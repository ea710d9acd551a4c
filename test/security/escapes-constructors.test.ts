// Escape attempts through constructor chains and evaluators: every function, promise and error
// a guest can touch (from `host`, from endowments, from syntax) must lead only to the
// compartment's own confined `Function`, or to SES's throwing one. Each attempt is a real
// extension in a real sandbox process; the harness checks the canary after each.
import { describe, expect, it } from 'vitest';
import { outcomesNotMatching, useSecuritySuite } from './harness';

const suite = useSecuritySuite();
const THREW_TYPE_ERROR = /^threw TypeError/;
const CONFINED = /^returned "confined"$/;

describe('constructor chains', () => {
  it('host API functions do not lead to a real Function constructor', async () => {
    const report = await suite.probe(`
      const fns = {
        'host.storage.get': host.storage.get, 'host.storage.set': host.storage.set,
        'host.fs.readText': host.fs.readText, 'host.fs.list': host.fs.list, 'host.net.fetch': host.net.fetch,
        'host.commands.register': host.commands.register, 'host.log.info': host.log.info,
        'host.permissions.query': host.permissions.query, 'host.ui.notify': host.ui.notify,
        'host.secrets.get': host.secrets.get,
      };
      for (const name of Object.keys(fns)) {
        const f = fns[name];
        await probe(name + '.constructor', () => viaFunction(f.constructor));
        await probe(name + ' prototype.constructor', () => viaFunction(Object.getPrototypeOf(f).constructor));
        await probe(name + ' via Reflect', () => viaFunction(Reflect.get(Reflect.getPrototypeOf(f), 'constructor')));
        await probe(name + '.bind().constructor', () => viaFunction(f.bind(null).constructor));
      }
    `);
    expect(report.leaks).toEqual([]);
    expect(Object.keys(report.outcomes)).toHaveLength(40);
    expect(outcomesNotMatching(report, THREW_TYPE_ERROR)).toEqual([]);
  });

  it('functions made by syntax (async, generator, async generator, arrow, class) hand out no Function constructor', async () => {
    const report = await suite.probe(`
      const made = {
        'async arrow': async () => {}, 'async function': async function () {},
        generator: function* () {}, 'async generator': async function* () {},
        arrow: () => {}, 'function': function () {}, 'class': class {}, method: { m() {} }.m,
        'bound': function () {}.bind(null),
      };
      for (const name of Object.keys(made)) {
        await probe(name, () => viaFunction(made[name].constructor));
        await probe(name + ' prototype chain', () => viaFunction(Object.getPrototypeOf(made[name]).constructor));
      }
      await probe('generator object', () => viaFunction(made.generator().constructor.constructor));
      await probe('Function.prototype.constructor', () => viaFunction(Function.prototype.constructor));
    `);
    expect(report.leaks).toEqual([]);
    expect(Object.keys(report.outcomes)).toHaveLength(20);
    expect(outcomesNotMatching(report, THREW_TYPE_ERROR)).toEqual([]);
  });

  it('host-returned promises (pending, resolved, rejected) lead nowhere', async () => {
    const report = await suite.probe(`
      const pending = host.storage.get('k');
      const resolved = host.storage.keys();
      await resolved;
      const rejected = host.fs.readText(CANARY);
      rejected.catch(() => {});
      const promises = { pending, resolved, rejected, chained: pending.then(() => 1) };
      for (const name of Object.keys(promises)) {
        const p = promises[name];
        await probe(name + ' prototype.constructor.constructor', () =>
          viaFunction(Object.getPrototypeOf(p).constructor.constructor));
        await probe(name + '.constructor.constructor', () => viaFunction(p.constructor.constructor));
        await probe(name + '.then.constructor', () => viaFunction(p.then.constructor));
        await probe(name + '.finally.constructor', () => viaFunction(p.finally.constructor));
      }
      await probe('a shared Promise', () => Object.getPrototypeOf(pending) === Promise.prototype);
      // Adopting a thenable hands it the engine's resolving functions: they must be inert too.
      let resolving;
      await resolved.then(() => ({ then(res) { resolving = res; res(1); } }));
      await probe('resolving functions given to a thenable .constructor', () => viaFunction(resolving.constructor));
    `);
    expect(report.leaks).toEqual([]);
    expect(report.outcomes['a shared Promise']).toBe('returned true');
    const chains = Object.fromEntries(Object.entries(report.outcomes).filter(([k]) => k.includes('constructor')));
    expect(Object.keys(chains)).toHaveLength(17);
    expect(outcomesNotMatching({ leaks: [], outcomes: chains }, THREW_TYPE_ERROR)).toEqual([]);
  });

  it('host-rejected errors lead nowhere and carry only code, message and reason', async () => {
    const report = await suite.probe(`
      const err = await rejection(host.fs.readText(CANARY));
      await probe('error.constructor.constructor', () => viaFunction(err.constructor.constructor));
      await probe('prototype chain', () => viaFunction(Object.getPrototypeOf(Object.getPrototypeOf(err)).constructor.constructor));
      await probe('error.toString.constructor', () => viaFunction(err.toString.constructor));
      await probe('own keys', () => Object.getOwnPropertyNames(err).sort());
      await probe('fields', () => [err.code, err.reason, err.stack, err instanceof Error]);
      await probe('constructor is the guest Error', () => err.constructor === Error);
    `);
    expect(report.leaks).toEqual([]);
    expect(report.outcomes['error.constructor.constructor']).toMatch(THREW_TYPE_ERROR);
    expect(report.outcomes['prototype chain']).toMatch(THREW_TYPE_ERROR);
    expect(report.outcomes['error.toString.constructor']).toMatch(THREW_TYPE_ERROR);
    expect(report.outcomes['own keys']).toBe('returned ["code","message","reason","stack"]');
    expect(report.outcomes.fields).toBe('returned ["EPERM","undeclared","",true]');
    expect(report.outcomes['constructor is the guest Error']).toBe('returned true');
  });

  it('endowments (console, timers, crypto, URL, TextEncoder, structuredClone, atob, Date, Math…) lead nowhere', async () => {
    const report = await suite.probe(`
      const endowed = {
        'console.log': console.log, setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask,
        structuredClone, atob, btoa, 'crypto.getRandomValues': crypto.getRandomValues,
        'crypto.randomUUID': crypto.randomUUID, URL, 'URL base class': Object.getPrototypeOf(URL),
        'URL.canParse': URL.canParse, URLSearchParams, 'searchParams.get': new URL('http://a/?b=1').searchParams.get,
        'URLSearchParams iterator next': new URLSearchParams('a=1').entries().next,
        TextEncoder, TextDecoder, Date, 'Date.now': Date.now, 'Math.random': Math.random, Float64Array,
        harden, lockdown, Compartment,
      };
      if (typeof performance === 'object') endowed['performance.now'] = performance.now;
      for (const name of Object.keys(endowed)) {
        const f = endowed[name];
        await probe(name, () => viaFunction(f.constructor));
        await probe(name + ' prototype.constructor', () => viaFunction(Object.getPrototypeOf(f).constructor));
      }
    `);
    expect(report.leaks).toEqual([]);
    expect(Object.keys(report.outcomes).length).toBeGreaterThanOrEqual(52);
    expect(outcomesNotMatching(report, THREW_TYPE_ERROR)).toEqual([]);
  });

  it("the command's call object, the module and exports objects and register's disposer lead nowhere", async () => {
    const report = await suite.probe(`
      const cancelledGetter = Object.getOwnPropertyDescriptor(call, 'cancelled').get;
      const targets = {
        'call.progress': call.progress, 'call.onCancel': call.onCancel, 'call.cancelled getter': cancelledGetter,
        'module.constructor': module.constructor, 'exports.constructor': exports.constructor,
        'registration.dispose': __registration.dispose,
      };
      for (const name of Object.keys(targets)) {
        await probe(name, () => viaFunction(targets[name].constructor));
      }
      await probe('call is frozen', () => Object.isFrozen(call));
      await probe('module is a plain object', () => Object.getPrototypeOf(module) === Object.prototype);
    `);
    expect(report.leaks).toEqual([]);
    expect(outcomesNotMatching(report, /^threw TypeError|^returned true$/)).toEqual([]);
    expect(report.outcomes['call is frozen']).toBe('returned true');
  });

  it('a stack overflow provoked inside host API calls (realms-shim #48) yields only tamed errors, and the bridge keeps working', async () => {
    const report = await suite.probe(`
      const targets = [
        () => host.storage.get('k').catch(() => {}), () => host.log.debug('x', { a: [1] }), () => new URL('http://a/b'),
        () => structuredClone({ a: [1] }), () => atob('YQ=='), () => crypto.getRandomValues(new Uint8Array(4)),
        () => clearTimeout(setTimeout(() => {}, 1)), () => host.commands.register('nope', () => {}),
      ];
      let depth = 0;
      function measure() { depth++; measure(); }
      try { measure(); } catch (e) { /* the limit */ }
      const errors = [];
      function at(n, fn) { if (n > 0) return at(n - 1, fn); try { fn(); } catch (e) { errors.push(e); } }
      for (let back = 0; back < 300; back += 3) {
        for (const fn of targets) {
          try { at(Math.max(0, Math.floor(depth / 2) - back), fn); } catch (e) { errors.push(e); }
          try { at(depth - back, fn); } catch (e) { errors.push(e); }
        }
      }
      const kinds = new Set();
      let escapes = 0;
      for (const e of errors) {
        kinds.add(Object.getPrototypeOf(e) === RangeError.prototype ? 'RangeError' :
          Object.getPrototypeOf(e) === TypeError.prototype ? 'TypeError' : 'other:' + String(e && e.name));
        try { if (viaFunction(e.constructor.constructor) !== 'confined') escapes++; } catch (x) { /* tamed */ }
        try { if (e.stack) escapes++; } catch (x) { /* no stack */ }
      }
      await probe('error kinds', () => [...kinds].sort());
      await probe('errors that escaped or showed a stack', () => escapes);
      await probe('bridge still works', async () => {
        await host.storage.set('after', { ok: [1, 2] });
        return await host.storage.get('after');
      });
    `);
    expect(report.leaks).toEqual([]);
    expect(report.outcomes['errors that escaped or showed a stack']).toBe('returned 0');
    expect(report.outcomes['error kinds']).toMatch(/RangeError/);
    expect(report.outcomes['error kinds']).not.toMatch(/other:/);
    expect(report.outcomes['bridge still works']).toBe('returned {"ok":[1,2]}');
  });
});

describe('evaluators and the global object', () => {
  it('eval, indirect eval, Function, new Function and nested Compartments evaluate only inside the compartment', async () => {
    const report = await suite.probe(`
      const evaluators = {
        'indirect eval': (s) => (0, eval)(s), 'globalThis.eval': (s) => globalThis.eval(s),
        'eval by alias': (s) => { const e = eval; return e(s); },
        Function: (s) => Function('return ' + s)(), 'new Function': (s) => new Function('return ' + s)(),
        'new Compartment().evaluate': (s) => new Compartment().evaluate(s),
        'Compartment with options': (s) => new Compartment({ __options__: true, globals: {}, name: 'x' }).evaluate(s, { sloppyGlobalsMode: false }),
        'nested compartment Function': (s) => new (new Compartment().globalThis.Function)('return ' + s)(),
        'nested compartment eval': (s) => new Compartment().globalThis.eval(s),
        'compartment in compartment': (s) => new Compartment().evaluate('new Compartment()').evaluate(s),
      };
      for (const name of Object.keys(evaluators)) {
        await probe(name, () => viaSource(evaluators[name]));
      }
      for (const name of Object.keys(evaluators)) {
        await probe(name + ': typeof process, require, Buffer', () =>
          evaluators[name]('[typeof process, typeof require, typeof Buffer, typeof module]').join());
      }
    `);
    expect(report.leaks).toEqual([]);
    expect(Object.keys(report.outcomes)).toHaveLength(20);
    for (const [name, text] of Object.entries(report.outcomes)) {
      expect(text, name).toMatch(
        name.includes('typeof') ? /^returned "undefined,undefined,undefined,undefined"$/ : CONFINED,
      );
    }
  });

  it("`this`, the global object and module are the compartment's own: no process, require or host global", async () => {
    const report = await suite.probe(`
      // Node gives a CommonJS module's top level \`this === exports\`; either that or undefined.
      await probe('top-level this', () => __topThis === undefined || __topThis === exports);
      await probe("Function('return this')()", () => Function('return this')() === undefined);
      await probe('sloppy-looking function this', () => (function () { return this; })() === undefined);
      await probe('indirect eval this is globalThis', () => (0, eval)('this') === globalThis);
      await probe('globalThis.constructor', () => globalThis.constructor === Object);
      await probe('globalThis.constructor.constructor', () => viaFunction(globalThis.constructor.constructor));
      await probe('module.constructor', () => module.constructor === Object);
      await probe('prototype of globalThis', () => Object.getPrototypeOf(globalThis) === Object.prototype);
      await probe('global and self alias globalThis', () => global === globalThis && self === globalThis);
      await probe('ambient Node names', () => ['process', 'require', 'Buffer', 'module', '__dirname', '__filename',
        'setImmediate', 'fetch', 'getStackString', 'SharedArrayBuffer', 'WebAssembly', 'Worker', 'MessageChannel',
        'BroadcastChannel', 'gc']
        .filter((n) => n !== 'module' && typeof globalThis[n] !== 'undefined'));
      await probe('typeof require and process in scope', () => [typeof require, typeof process, typeof Buffer].join());
      await probe('module.require', () => typeof module.require);
      await probe('top-level arguments', () => __topArguments.length);
      await probe('globalThis itself', () => globalThis);
    `);
    expect(report.leaks).toEqual([]);
    expect(report.outcomes).toMatchObject({
      'top-level this': 'returned true',
      "Function('return this')()": 'returned true',
      'sloppy-looking function this': 'returned true',
      'indirect eval this is globalThis': 'returned true',
      'globalThis.constructor': 'returned true',
      'module.constructor': 'returned true',
      'prototype of globalThis': 'returned true',
      'global and self alias globalThis': 'returned true',
      'ambient Node names': 'returned []',
      'typeof require and process in scope': 'returned "undefined,undefined,undefined"',
      'module.require': 'returned "undefined"',
      'top-level arguments': 'returned 2',
    });
    expect(report.outcomes['globalThis.constructor.constructor']).toMatch(THREW_TYPE_ERROR);
  });

  it('arguments.callee, fn.caller and fn.arguments never walk up to the host frames that called guest code', async () => {
    const report = await suite.probe(`
      await probe('arguments.callee', () => (function () { return arguments.callee; })());
      await probe('named fn.caller', () => { function f() { return f.caller; } return f(); });
      await probe('fn.arguments', () => { function g() { return g.arguments; } return g(1); });
      await probe('top-level arguments.callee', () => __topArguments.callee);
      await probe('caller of a timer callback', () => new Promise((resolve, reject) => {
        setTimeout(function cb() { try { resolve(cb.caller); } catch (e) { reject(e); } }, 0);
      }));
      await probe('caller of a microtask', () => new Promise((resolve, reject) => {
        queueMicrotask(function mt() { try { resolve(mt.caller); } catch (e) { reject(e); } });
      }));
      await probe('caller of a then callback on a host promise', () => host.storage.keys().then(function th() { return th.caller; }));
      await probe('Function.prototype.caller accessor', () => Object.getOwnPropertyDescriptor(Function.prototype, 'caller').get.call(probe));
    `);
    expect(report.leaks).toEqual([]);
    expect(outcomesNotMatching(report, /^threw TypeError|^returned (undefined|null)$/)).toEqual([]);
  });
});
