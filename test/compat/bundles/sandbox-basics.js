// Guest code: a CommonJS bundle run with the sandbox's globals (host, console, timers, …).
// A hand-written CommonJS bundle (not built by `warden build`): how ordinary libraries find the
// global object, assign over inherited intrinsic properties (the "override mistake"), and use the
// web-platform basics. Each value is compared with a known answer in sandbox-basics.test.ts.
var topLevelThis = this; // eslint-disable-line @typescript-eslint/no-this-alias -- what UMD wrappers receive
(function (root, factory) {
  // UMD-style: `this` at the top of a CommonJS module is module.exports, as in Node.
  root.umdValue = factory();
})(this, function () {
  return 42;
});

function tryIt(fn) {
  try {
    return fn();
  } catch (e) {
    return `${e.name}: ${e.message}`;
  }
}

function globals() {
  return {
    globalThis: typeof globalThis,
    global: global === globalThis,
    self: self === globalThis,
    window: typeof window,
    indirectEval: (0, eval)('this') === globalThis,
    functionReturnThis: typeof Function('return this')(),
    lodashRoot: (typeof global == 'object' && global && global.Object === Object && global) === globalThis,
    underscoreRoot: (typeof self == 'object' && self.self === self && self) === globalThis,
    umd: topLevelThis === module.exports && module.exports.umdValue === 42,
    newFunction: new Function('a', 'b', 'return a * b')(6, 7),
  };
}

function overrides() {
  return {
    objectToString: tryIt(() => {
      const o = {};
      o.toString = () => 'custom';
      return String(o);
    }),
    exportsHasOwnProperty: tryIt(() => {
      const exportsObject = {};
      exportsObject.hasOwnProperty = 1;
      return exportsObject.hasOwnProperty;
    }),
    errorSubclass: tryIt(() => {
      function MyError(message) {
        this.message = message;
      }
      MyError.prototype = Object.create(Error.prototype);
      MyError.prototype.constructor = MyError;
      MyError.prototype.name = 'MyError';
      MyError.prototype.toString = function () {
        return `<${this.message}>`;
      };
      const e = new MyError('m');
      return [e instanceof Error, e.constructor === MyError, e.name, String(e)];
    }),
    typeErrorConstructor: tryIt(() => {
      const p = new TypeError();
      p.constructor = 'replaced';
      return p.constructor;
    }),
    rangeErrorConstructor: tryIt(() => {
      // mathjs: `DimensionError.prototype = new RangeError(); ….prototype.constructor = RangeError`
      const p = new RangeError();
      p.constructor = RangeError;
      return 'assigned';
    }),
    arrayPush: tryIt(() => {
      const a = [];
      a.push = function (x) {
        Array.prototype.push.call(this, x * 2);
      };
      a.push(2);
      return a;
    }),
    mapSet: tryIt(() => {
      const m = new Map();
      m.set = function (k, v) {
        return Map.prototype.set.call(this, k, v + 1);
      };
      m.set('a', 1);
      return m.get('a');
    }),
    functionToString: tryIt(() => {
      function f() {}
      f.toString = () => 'f!';
      return String(f);
    }),
    intrinsicStillFrozen: tryIt(() => {
      Array.prototype.push = null;
      return 'assigned';
    }),
  };
}

async function web() {
  const order = await new Promise((resolve) => {
    const log = [];
    setTimeout(() => {
      log.push('timeout');
      resolve(log);
    }, 0);
    queueMicrotask(() => log.push('microtask'));
    Promise.resolve().then(() => log.push('promise'));
    log.push('sync');
  });
  const t0 = performance.now();
  const t1 = performance.now();
  return {
    text: new TextDecoder().decode(new TextEncoder().encode('héllo ✓')),
    url: new URL('../b?x=1#h', 'https://example.com/a/c').href,
    searchParams: new URLSearchParams({ a: '1 2', b: 'é' }).toString(),
    base64: [btoa('hi!'), atob('aGkh')],
    randomBytes: crypto.getRandomValues(new Uint8Array(16)).length,
    randomUUID: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()),
    structuredClone: (() => {
      const c = structuredClone({ m: new Map([[1, { d: new Date(0) }]]) });
      return [c.m instanceof Map, c.m.get(1).d.toISOString()];
    })(),
    order,
    performance: typeof t0 === 'number' && t1 >= t0 && performance.timeOrigin > 0,
    floats: Array.from(new Float64Array([0.5, 1.5])).concat(Array.from(new Float32Array([0.25]))),
    clock: Date.now() > Date.UTC(2024, 0, 1) && new Date().getFullYear() >= 2024,
    random: (() => {
      const r = Math.random();
      return r >= 0 && r < 1;
    })(),
    bigint: (2n ** 64n).toString(),
  };
}

function missing() {
  const names = ['process', 'require', 'Buffer', 'fetch', 'XMLHttpRequest', 'WebAssembly', 'Worker', 'Intl'];
  names.push('SharedArrayBuffer', 'WeakRef', 'window', 'document', 'setImmediate', 'AbortController');
  return names.filter((n) => typeof globalThis[n] !== 'undefined');
}

exports.activate = () => {
  host.commands.register('run', async () => ({
    type: 'json',
    value: { globals: globals(), overrides: overrides(), web: await web(), missing: missing() },
  }));
};
