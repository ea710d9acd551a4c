// Every `host.*` method that reaches the host has at least one deny case, run in a real sandbox.
// The table is keyed by method: adding a method to the protocol without a deny case here fails
// the first test (the Node permission-model CVE history is mostly missed entry points).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_METHODS, type HostMethod } from '../../electron/common/protocol';
import { createTestHost, tempDir, type TestHost } from '../helpers/sandbox';

const outside = fs.realpathSync(tempDir('warden-inventory-'));
const secretFile = path.join(outside, 'secret.txt');
fs.writeFileSync(secretFile, 'do not read');

/** For each method: guest code that must be refused, and the code (and reason) expected. */
const DENY_CASES: Record<HostMethod, { call: string; code: string; reason?: string }> = {
  'storage.get': { call: `host.storage.get('x'.repeat(300))`, code: 'EINVAL' },
  'storage.set': { call: `host.storage.set('big', 'x'.repeat(2 * 1024 * 1024))`, code: 'EQUOTA' },
  'storage.delete': { call: `host.storage.delete('')`, code: 'EINVAL' },
  // No arguments to refuse: a burst over the host-call budget is what it must refuse.
  'storage.keys': { call: `Promise.all(Array.from({ length: 2500 }, () => host.storage.keys()))`, code: 'ERATE' },
  'fs.readText': { call: `host.fs.readText(${JSON.stringify(secretFile)})`, code: 'EPERM', reason: 'undeclared' },
  'fs.readBytes': { call: `host.fs.readBytes('../../escape')`, code: 'EPERM', reason: 'denied' },
  // The deprecated alias goes through fs.readText's permission path.
  'fs.read': { call: `host.fs.read(${JSON.stringify(secretFile)})`, code: 'EPERM', reason: 'undeclared' },
  'fs.writeText': {
    call: `host.fs.writeText(${JSON.stringify(secretFile)}, 'x')`,
    code: 'EPERM',
    reason: 'undeclared',
  },
  'fs.writeBytes': {
    call: `host.fs.writeBytes('~/warden-inventory', new Uint8Array(1))`,
    code: 'EPERM',
    reason: 'undeclared',
  },
  'fs.list': { call: `host.fs.list(${JSON.stringify(outside)})`, code: 'EPERM', reason: 'undeclared' },
  'fs.stat': { call: `host.fs.stat('/etc/passwd')`, code: 'EPERM', reason: 'undeclared' },
  'fs.mkdir': {
    call: `host.fs.mkdir(${JSON.stringify(path.join(outside, 'made'))})`,
    code: 'EPERM',
    reason: 'undeclared',
  },
  'fs.remove': { call: `host.fs.remove(${JSON.stringify(secretFile)})`, code: 'EPERM', reason: 'undeclared' },
  'fs.pickFile': { call: `host.fs.pickFile()`, code: 'EPERM', reason: 'denied' },
  'fs.pickDirectory': { call: `host.fs.pickDirectory()`, code: 'EPERM', reason: 'denied' },
  'net.fetch': { call: `host.net.fetch('http://127.0.0.1:1/')`, code: 'EPERM', reason: 'undeclared' },
  'secrets.get': { call: `host.secrets.get('AWS_SECRET_ACCESS_KEY')`, code: 'EPERM', reason: 'undeclared' },
  'ui.notify': { call: `host.ui.notify('hi')`, code: 'EPERM', reason: 'undeclared' },
  'permissions.query': { call: `host.permissions.query('root')`, code: 'EINVAL' },
  'permissions.request': { call: `host.permissions.request('fs.read')`, code: 'EINVAL' },
};

let host: TestHost;
let id: string;

beforeAll(async () => {
  // No picker, no grants, a deny-all prompter: the default services of a host.
  host = createTestHost();
  id = await host.add({
    commands: ['attempt'],
    manifest: { limits: { storageMb: 1 } },
    source: `exports.activate = () => host.commands.register('attempt', async ({ code }) => {
      try {
        await (0, eval)('(async () => ' + code + ')')();
        return { type: 'json', value: { refused: false } };
      } catch (e) {
        return { type: 'json', value: { refused: true, code: e.code ?? null, reason: e.reason ?? null, message: String(e.message) } };
      }
    });`,
  });
});
afterAll(async () => host?.close());

describe('host API inventory', () => {
  it('has a deny case for every method of the protocol, and none for methods that do not exist', () => {
    expect(Object.keys(DENY_CASES).sort()).toEqual([...HOST_METHODS].sort());
  });

  it.each(HOST_METHODS.map((m) => [m]))('%s refuses its deny case, and nothing outside changes', async (method) => {
    const c = DENY_CASES[method as HostMethod];
    const before = fs.readdirSync(outside).sort();
    const result = await host.supervisor.invoke(id, 'attempt', { code: c.call });
    expect(result).toMatchObject({
      type: 'json',
      value: { refused: true, code: c.code, ...(c.reason ? { reason: c.reason } : {}) },
    });
    const message = (result as unknown as { value: { message: string } }).value.message;
    expect(message).not.toContain(os.homedir() === '/' ? '\u0000' : os.homedir() + path.sep + '.warden');
    expect(message).not.toContain(host.dataDir);
    expect(fs.readFileSync(secretFile, 'utf8')).toBe('do not read');
    expect(fs.readdirSync(outside).sort()).toEqual(before);
    expect(fs.existsSync(path.join(os.homedir(), 'warden-inventory'))).toBe(false);
  });
});
