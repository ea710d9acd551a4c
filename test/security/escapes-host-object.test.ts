// The `host` object is the guest's only authority, and everything crossing to the host is copied
// as plain data in the sandbox. These attempts go after both: host internals, hostile values
// (getters, proxies, thenables, toJSON/toString/valueOf/Symbol.toPrimitive) in results and in
// host-call arguments, and prototype pollution through `__proto__`/`constructor`/`prototype` keys.
import path from 'node:path';
import { createExtensionStorage } from '../../electron/core/private-data/storage';
import { types } from 'node:util';
import { describe, expect, it } from 'vitest';
import { privateDataDir } from '../../electron/core/private-data/private-data';
import { jsonValue, outcomesNotMatching, useSecuritySuite } from './harness';

const suite = useSecuritySuite();
const polluted = () => ({}) as { polluted?: unknown };

/** Whether `value` (deeply) holds only data properties of plain or null-prototype objects. */
function plainData(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return typeof value !== 'function';
  if (types.isProxy(value)) return false;
  if (value instanceof Uint8Array) return true;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== null && proto !== Object.prototype) return false;
  return Reflect.ownKeys(value).every((k) => {
    const d = Object.getOwnPropertyDescriptor(value, k)!;
    return k === 'length' || ('value' in d && plainData(d.value));
  });
}

describe('the host object', () => {
  it('host and everything reachable from it is frozen, and holds only functions and the extension id/version', async () => {
    const report = await suite.probe(`
      const shapes = {};
      const walk = (value, where) => {
        const kind = typeof value;
        if (kind === 'string') return;
        const protos = kind === 'function' ? [Function.prototype, Object.getPrototypeOf(async () => {})] : [Object.prototype];
        shapes[where] = { kind, frozen: Object.isFrozen(value), keys: Reflect.ownKeys(value).map(String).sort(),
          plainProto: protos.includes(Object.getPrototypeOf(value)) };
        if (kind === 'object') for (const k of Object.keys(value)) walk(value[k], where + '.' + k);
      };
      walk(host, 'host');
      await probe('shapes', () => shapes);
      await probe('extension', () => [typeof host.extension.id, typeof host.extension.version]);
    `);
    expect(report.leaks).toEqual([]);
    expect(report.outcomes.extension).toBe('returned ["string","string"]');
    const shapes = JSON.parse(report.outcomes.shapes!.replace(/^returned /, '')) as Record<
      string,
      { kind: string; frozen: boolean; keys: string[]; plainProto: boolean }
    >;
    const documented = ['commands', 'extension', 'fs', 'log', 'net', 'permissions', 'secrets', 'storage', 'ui'];
    expect(shapes.host!.keys).toEqual(expect.arrayContaining(documented));
    for (const [where, shape] of Object.entries(shapes)) {
      expect(shape.frozen, `${where} is frozen`).toBe(true);
      expect(shape.plainProto, `${where} has the plain prototype`).toBe(true);
      // Functions expose nothing but their name and arity (no prototype, no hidden state).
      if (shape.kind === 'function') expect(shape.keys, where).toEqual(['length', 'name']);
      else expect(shape.kind, where).toBe('object');
    }
    expect(Object.keys(shapes).some((k) => /rpc|channel|send|deps|handlers|pending/i.test(k))).toBe(false);
  });

  it('host cannot be mutated or replaced, and keeps working afterwards', async () => {
    const report = await suite.probe(`
      const fake = () => Promise.resolve('forged');
      const attempts = {
        'replace host.fs': () => { host.fs = {}; },
        'replace host.fs.readText': () => { host.fs.readText = fake; },
        'add to host.storage': () => { host.storage.dump = fake; },
        'delete host.storage.get': () => { delete host.storage.get; },
        'define on host.storage': () => Object.defineProperty(host.storage, 'get', { value: fake }),
        'setPrototypeOf(host)': () => Object.setPrototypeOf(host, { fs: { readText: fake } }),
        'rename the extension': () => { host.extension.id = 'someone.else'; },
        'tag a host function': () => { host.fs.readText.owner = 'guest'; },
        'assign globalThis.host': () => { globalThis.host = { fs: { readText: fake } }; },
        'define globalThis.host': () => Object.defineProperty(globalThis, 'host', { value: {} }),
        'delete globalThis.host': () => { delete globalThis.host; },
      };
      for (const name of Object.keys(attempts)) await probe(name, attempts[name]);
      await probe('still works', async () => {
        await host.storage.set('k', 'v');
        return [await host.storage.get('k'), host.fs.readText === host.fs.readText, typeof host.fs.readText];
      });
    `);
    expect(report.leaks).toEqual([]);
    const { 'still works': works, ...attempts } = report.outcomes;
    expect(Object.keys(attempts)).toHaveLength(11);
    expect(outcomesNotMatching({ leaks: [], outcomes: attempts }, /^threw TypeError/)).toEqual([]);
    expect(works).toBe('returned ["v",true,"function"]');
  });
});

describe('hostile values in command results', () => {
  const source = `
const keys = async () => ({ type: 'json', value: await host.storage.keys() });
const pwn = () => { host.storage.set('pwned', 1); return 'fired'; };
exports.activate = () => {
  host.commands.register('getter', () => ({ type: 'json', value: { get x() { return pwn(); } } }));
  host.commands.register('nested-getter', () => ({ type: 'json', value: [{ a: 1 }, Object.defineProperty({}, 'b', { get: pwn, enumerable: true })] }));
  host.commands.register('to-json', () => ({ type: 'json', value: { toJSON: pwn } }));
  host.commands.register('to-string', () => ({ type: 'text', text: { toString: pwn, valueOf: pwn, [Symbol.toPrimitive]: pwn } }));
  host.commands.register('string-object', () => new String('boxed'));
  host.commands.register('class-instance', () => new (class Result { constructor() { this.type = 'text'; this.text = 'x'; } })());
  host.commands.register('symbol-key', () => ({ type: 'json', value: { [Symbol('s')]: 1 } }));
  host.commands.register('function', () => pwn);
  host.commands.register('keys', keys);
};`;
  const commands = [
    'getter',
    'nested-getter',
    'to-json',
    'to-string',
    'string-object',
    'class-instance',
    'symbol-key',
    'function',
    'keys',
  ];

  it('getters, toJSON, toString/valueOf/Symbol.toPrimitive, boxed values and class instances are refused and never run', async () => {
    const first = await suite.attempt({ source, commands, command: 'getter' });
    expect(first.error).toMatchObject({ code: 'EINVAL' });
    expect(first.error?.message).toMatch(/getter/);
    for (const command of commands.slice(1, -1)) {
      const outcome = await suite.invoke(first.id, command);
      expect(outcome.result, command).toBeUndefined();
      expect(outcome.error?.code, command).toBe('EINVAL');
    }
    // None of the hooks ran: `pwn` would have stored a key.
    expect((await suite.invoke(first.id, 'keys')).result).toEqual({ type: 'json', value: [] });
  });

  it('a Proxy result is read once inside the sandbox; the host receives a plain snapshot, not the proxy', async () => {
    const outcome = await suite.attempt({
      commands: ['run', 'revoked'],
      source: `
exports.activate = () => {
  host.commands.register('run', () => {
    let reads = 0;
    const value = new Proxy({ a: 1, nested: { b: [1, 2] } }, {
      getOwnPropertyDescriptor(t, k) { reads++; return Reflect.getOwnPropertyDescriptor(t, k); },
    });
    return new Proxy({ type: 'json', value }, {});
  });
  host.commands.register('revoked', () => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; });
};`,
    });
    expect(outcome.result).toEqual({ type: 'json', value: { a: 1, nested: { b: [1, 2] } } });
    expect(plainData(outcome.result)).toBe(true);
    expect(Object.getPrototypeOf(jsonValue<object>(outcome))).toBeNull();
    const revoked = await suite.invoke(outcome.id, 'revoked');
    expect(revoked.error?.code).toMatch(/^(EINVAL|EEXTENSION)$/);
  });

  it('thenables returned from a command settle inside the sandbox; the resolving functions they get are powerless', async () => {
    const outcome = await suite.attempt({
      commands: ['run', 'hangs', 'then-throws', 'ping'],
      source: `
let resolving;
exports.activate = () => {
  host.commands.register('run', () => ({
    then(resolve) {
      let escaped = 'confined';
      try { escaped = resolve.constructor('return typeof process')(); } catch (e) { escaped = 'threw ' + e.name; }
      resolve({ type: 'json', value: { escaped, keys: Object.getOwnPropertyNames(resolve).sort() } });
    },
  }));
  host.commands.register('hangs', () => ({ then() {} }));
  host.commands.register('then-throws', () => ({ then() { throw new Error('from then'); } }));
  host.commands.register('ping', () => 'pong');
};`,
    });
    expect(outcome.result).toEqual({ type: 'json', value: { escaped: 'threw TypeError', keys: ['length', 'name'] } });
    const hangs = await suite.invoke(outcome.id, 'hangs', {}, 1000);
    expect(hangs.error?.code).toBe('ETIMEDOUT');
    expect((await suite.invoke(outcome.id, 'then-throws')).error).toMatchObject({ code: 'EEXTENSION' });
    expect((await suite.invoke(outcome.id, 'ping')).result).toEqual({ type: 'text', text: 'pong' });
  });
});

describe('hostile values in host-call arguments', () => {
  it('getters, thenables, toJSON, toString, valueOf, Symbol.toPrimitive, boxed strings and promises are refused with EINVAL and never run', async () => {
    const report = await suite.probe(`
      const fired = [];
      const hook = (name, value) => () => { fired.push(name); host.storage.set('pwned', 1); return value; };
      const calls = {
        'getter in a value': () => host.storage.set('k', { get v() { return hook('getter', 1)(); } }),
        'thenable value': () => host.storage.set('k', { then: hook('then', undefined) }),
        'thenable path': () => host.fs.readText({ then(resolve) { fired.push('then'); resolve(CANARY); } }),
        'toJSON': () => host.storage.set('k', { toJSON: hook('toJSON', 'x') }),
        'toString path': () => host.fs.readText({ toString: hook('toString', CANARY) }),
        'valueOf path': () => host.fs.readText({ valueOf: hook('valueOf', CANARY) }),
        'Symbol.toPrimitive path': () => host.fs.readText({ [Symbol.toPrimitive]: hook('toPrimitive', CANARY) }),
        'boxed string path': () => host.fs.readText(new String(CANARY)),
        'array as a key': () => host.storage.get(['k']),
        'promise as a value': () => host.storage.set('k', Promise.resolve(1)),
        'promise as a key': () => host.storage.get(Promise.resolve('k')),
        'text as an object': () => host.fs.writeText('a.txt', { toString: hook('text toString', 'x') }),
        'bytes as a plain array': () => host.fs.writeBytes('a.bin', [1, 2, 3]),
        'proxy path': () => host.fs.readText(new Proxy({}, { get: hook('proxy get', CANARY) })),
        'extra arguments ignored': () => host.storage.get('k', hook('extra', 1)),
      };
      for (const name of Object.keys(calls)) {
        await probe(name, async () => {
          const e = await rejection(calls[name]());
          return e === 'resolved' ? 'resolved' : e.code;
        });
      }
      await probe('fired', () => fired);
      await probe('stored keys', () => host.storage.keys());
    `);
    expect(report.leaks).toEqual([]);
    const { fired, 'stored keys': stored, 'extra arguments ignored': extra, ...refused } = report.outcomes;
    expect(Object.keys(refused)).toHaveLength(14);
    expect(outcomesNotMatching({ leaks: [], outcomes: refused }, /^returned "EINVAL"$/)).toEqual([]);
    // Arguments past a method's arity are dropped before the copy, so the function never crosses.
    expect(extra).toBe('returned "resolved"');
    expect(fired).toBe('returned []');
    expect(stored).toBe('returned []');
  });
});

describe('prototype pollution', () => {
  const HOSTILE_JSON =
    '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"prototype":{"polluted":1}}';

  it('through command arguments: __proto__, constructor and prototype arrive as own keys and pollute neither side', async () => {
    const outcome = await suite.attempt({
      args: JSON.parse(HOSTILE_JSON) as Record<string, unknown>,
      source: `exports.activate = () => host.commands.register('run', (args) => ({
        type: 'json',
        value: {
          ownKeys: Object.keys(args).sort(),
          argsPolluted: args.polluted === undefined,
          guestPolluted: ({}).polluted === undefined,
          plainArgs: Object.getPrototypeOf(args) === Object.prototype,
          echo: { __proto__: null, ...args, canary: null },
        },
      }));`,
    });
    expect(outcome.error).toBeUndefined();
    const value = jsonValue<Record<string, unknown>>(outcome);
    expect(value.ownKeys).toEqual(['__proto__', 'canary', 'constructor', 'prototype']);
    expect(value).toMatchObject({ argsPolluted: true, guestPolluted: true, plainArgs: true });
    const echo = value.echo as Record<string, unknown>;
    expect(Object.getPrototypeOf(echo)).toBeNull();
    expect(Object.hasOwn(echo, '__proto__')).toBe(true);
    expect(plainData(outcome.result)).toBe(true);
    expect(polluted().polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('through command results: the host keeps __proto__ as an own key of a null-prototype object and is not fooled into another result type', async () => {
    const outcome = await suite.attempt({
      commands: ['run', 'typed'],
      source: `exports.activate = () => {
        host.commands.register('run', () => ({ type: 'json', value: JSON.parse(${JSON.stringify(HOSTILE_JSON)}) }));
        // If the host read inherited keys, this would pass for a text result.
        host.commands.register('typed', () => JSON.parse('{"__proto__":{"type":"text","text":"spoofed"}}'));
      };`,
    });
    const value = jsonValue<Record<string, unknown>>(outcome);
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.keys(value).sort()).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(polluted().polluted).toBeUndefined();
    const typed = await suite.invoke(outcome.id, 'typed');
    expect(typed.result?.type).toBe('json');
    expect(Object.hasOwn(jsonValue<object>(typed), '__proto__')).toBe(true);
    expect(polluted().polluted).toBeUndefined();
  });

  it('through storage: __proto__ round-trips as a plain own key (also as a key name) across a restart', async () => {
    const outcome = await suite.attempt({
      commands: ['run', 'get'],
      source: `exports.activate = () => {
        host.commands.register('run', async () => {
          await host.storage.set('doc', JSON.parse(${JSON.stringify(HOSTILE_JSON)}));
          await host.storage.set('__proto__', JSON.parse('{"__proto__":{"polluted":1}}'));
          await host.storage.set('constructor', 'not a function');
          return 'stored';
        });
        host.commands.register('get', async () => {
          const doc = await host.storage.get('doc');
          const proto = await host.storage.get('__proto__');
          return { type: 'json', value: {
            keys: (await host.storage.keys()).sort(), docKeys: Object.keys(doc).sort(), protoKeys: Object.keys(proto),
            docPolluted: doc.polluted === undefined, guestPolluted: ({}).polluted === undefined,
            ctor: await host.storage.get('constructor'),
          } };
        });
      };`,
    });
    expect(outcome.result).toEqual({ type: 'text', text: 'stored' });
    await suite.host.supervisor.stop(outcome.id); // the next read comes from the storage files
    const read = await suite.invoke(outcome.id, 'get');
    expect(read.result).toEqual({
      type: 'json',
      value: {
        keys: ['__proto__', 'constructor', 'doc'],
        docKeys: ['__proto__', 'constructor', 'prototype'],
        protoKeys: ['__proto__'],
        docPolluted: true,
        guestPolluted: true,
        ctor: 'not a function',
      },
    });
    // Read back from disk through the storage module: `__proto__` is a key like any other.
    const onDisk = createExtensionStorage({
      dir: path.join(privateDataDir(suite.host.dataDir, outcome.id), 'storage'),
      quota: { limitBytes: () => 1024 * 1024, otherBytes: async () => 0 },
    });
    expect(await onDisk.keys()).toContain('__proto__');
    const proto = (await onDisk.get('__proto__')) as Record<string, unknown>;
    expect(Object.hasOwn(proto, '__proto__')).toBe(true);
    expect(polluted().polluted).toBeUndefined();
  });
});
