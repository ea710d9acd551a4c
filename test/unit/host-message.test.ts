// The sandbox parses host messages by hand (zod costs ~50 ms of every start once SES is locked
// down). This keeps that parser and the protocol's zod schema in agreement.
import { describe, expect, it } from 'vitest';
import { parseHostMessage } from '../../electron/sandbox/host-message';
import { HostMessageSchema } from '../../electron/common/protocol';

const init = {
  t: 'init',
  extension: { id: 'a.b', version: '1.0.0', name: 'AB' },
  source: 'exports.activate = () => {}',
  sourceUrl: 'ext://a.b/dist/extension.js',
  commands: ['x'],
  heartbeatMs: 250,
};

const python = { main: 'main.py', files: {}, memoryMb: 128 };
const wheel = { file: 'six-1.16.0-py2.py3-none-any.whl', sha256: 'a'.repeat(64), bytes: new Uint8Array([80, 75]) };

const valid: unknown[] = [
  init,
  { t: 'invoke', id: 1, command: 'x', args: { a: [1, 'b', null] } },
  { t: 'invoke', id: 2, command: 'x', args: null },
  { t: 'cancel', id: 3 },
  { t: 'reply', id: 4, ok: true },
  { t: 'reply', id: 4, ok: true, value: { k: new Uint8Array([1, 2]) } },
  { t: 'reply', id: 5, ok: false, error: { code: 'EPERM', message: 'no', reason: 'denied' } },
  { t: 'reply', id: 5, ok: false, error: { code: 'ENOENT', message: 'no such file', location: 'x.js:1:1' } },
  { t: 'stop' },
  { ...init, sourceMap: { sources: ['src/extension.ts'], mappings: 'AAAA;AACA' } },
  { ...init, clock: { startMs: 1_700_000_000_000 } },
  { ...init, python: { ...python, wheels: [wheel] } },
  { t: 'clock', advanceMs: 0 },
  { t: 'clock', advanceMs: 86_400_000 },
  { t: 'python-preload', memoryMb: 128 },
  {
    t: 'python-preload',
    memoryMb: 128,
    snapshot: { file: '/c/python-x.snap', sha256: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
  },
  {
    ...init,
    python: {
      main: 'main.py',
      files: {},
      memoryMb: 128,
      runtime: {
        dir: '/c/rt',
        files: { 'pyodide.asm.wasm': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
      },
    },
  },
];

const invalid: unknown[] = [
  null,
  'init',
  [],
  { t: 'nope' },
  { ...init, extra: 1 },
  { ...init, extension: { id: 'a.b', version: '1.0.0' } },
  { ...init, heartbeatMs: 5 },
  { ...init, commands: [1] },
  { ...init, commands: [''] },
  { t: 'invoke', id: 0, command: 'x', args: {} },
  { t: 'invoke', id: 1.5, command: 'x', args: {} },
  { t: 'invoke', id: 1, command: '', args: {} },
  { t: 'invoke', id: 1, command: 'x', args: {}, extensionId: 'other' },
  { t: 'cancel' },
  { t: 'cancel', id: -1 },
  { t: 'reply', id: 4, ok: true, error: { code: 'EPERM', message: 'x' } },
  { t: 'reply', id: 4, ok: false },
  { t: 'reply', id: 4, ok: false, error: { code: 'EWHATEVER', message: 'x' } },
  { t: 'reply', id: 4, ok: false, error: { code: 'EPERM', message: 'x', reason: 'because' } },
  { t: 'reply', id: 4, ok: false, error: { code: 'EPERM', message: 'x', stack: 'at /host/path' } },
  { t: 'reply', id: 4, ok: false, value: 1, error: { code: 'EPERM', message: 'x' } },
  { t: 'reply', id: 4, ok: 'yes' },
  { t: 'stop', now: true },
  { ...init, sourceMap: { sources: ['a.ts'] } },
  { ...init, sourceMap: { sources: [1], mappings: '' } },
  { ...init, sourceMap: { sources: ['a.ts'], mappings: '', sourcesContent: ['x'] } },
  { ...init, sourceMap: { sources: ['x'.repeat(301)], mappings: '' } },
  { ...init, clock: { startMs: Infinity } },
  { ...init, python: { ...python, wheels: [{ ...wheel, sha256: 'A'.repeat(64) }] } },
  { ...init, python: { ...python, wheels: [{ ...wheel, bytes: 'UEs=' }] } },
  { ...init, python: { ...python, wheels: [{ ...wheel, file: '' }] } },
  { ...init, python: { ...python, wheels: [{ ...wheel, extra: 1 }] } },
  { ...init, python: { ...python, wheels: Array.from({ length: 201 }, () => wheel) } },
  { ...init, clock: { startMs: 0, speed: 2 } },
  { t: 'clock', advanceMs: -1 },
  { t: 'clock', advanceMs: NaN },
  { t: 'clock', advanceMs: 2e12 },
  { t: 'clock' },
  { t: 'python-preload' },
  { t: 'python-preload', memoryMb: 0 },
  { t: 'python-preload', memoryMb: 128, snapshot: { file: '/x', sha256: 'nothex' } },
  { t: 'python-preload', memoryMb: 128, extension: 'x' },
  {
    ...init,
    python: {
      main: 'main.py',
      files: {},
      memoryMb: 128,
      runtime: { dir: '/c', files: { '../x': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' } },
    },
  },
  { t: 'reply', id: 4, ok: false, error: { code: 'EPERM', message: 'x', stack: ['at f (a.ts:1:1)'] } },
];

describe('sandbox host-message parser', () => {
  it.each(valid.map((m) => [JSON.stringify(m, (_k, v) => (v instanceof Uint8Array ? [...v] : v)), m]))(
    'accepts what the schema accepts: %s',
    (_label, m) => {
      expect(HostMessageSchema.safeParse(m).success).toBe(true);
      expect(parseHostMessage(m)).toBeDefined();
    },
  );

  it.each(invalid.map((m) => [JSON.stringify(m), m]))('refuses what the schema refuses: %s', (_label, m) => {
    expect(HostMessageSchema.safeParse(m).success).toBe(false);
    expect(parseHostMessage(m)).toBeUndefined();
  });
});
