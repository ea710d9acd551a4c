// The CLI's code-cache loader (extensions/sdk/cli/code-cache.ts) on a small CommonJS bundle: the
// cache is keyed by the bundle's hash and the runtime's flags, checked before V8 sees it, and
// rebuilt whenever it is missing, altered or refused. The real CLI is tested in
// test/integration/cli-code-cache.test.ts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliCacheFileName, loadBundle } from '../../extensions/sdk/cli/code-cache';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-cli-cache-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

// Enough code that V8 makes a real cache; non-ASCII text exercises the UTF-8 read. Each case
// gets a source of its own: V8 keeps what one isolate compiled and would not read a cache twice.
const SOURCE = `'use strict';
const parts = [];
for (let i = 0; i < 200; i++) parts.push(function f() { return i * 2; });
exports.answer = () => parts.reduce((s, f) => s + f(), 0);
exports.dir = __dirname;
exports.label = 'caf\u00e9 → ok';
exports.req = typeof require('node:path').join;
`;
const cacheDir = path.join(work, 'cache');
const HEADER = Buffer.from('warden-cli-v8c 1');
let made = 0;
function makeBundle() {
  const name = `demo${++made}`;
  const file = path.join(work, `${name}.cjs`);
  const source = `${SOURCE}// ${name}\n`;
  fs.writeFileSync(file, source);
  const hash = crypto.createHash('sha256').update(source).digest('hex');
  return { file, hash, cacheFile: path.join(cacheDir, cliCacheFileName(name, hash)) };
}
/** The file is the header, the payload's SHA-256 and a payload. */
const wellFormed = (bytes: Buffer) =>
  bytes.subarray(0, 16).equals(HEADER) &&
  crypto.createHash('sha256').update(bytes.subarray(48)).digest().equals(bytes.subarray(16, 48)) &&
  bytes.length > 48;

type Demo = { answer(): number; dir: string; label: string; req: string };

describe('the CLI code-cache loader', () => {
  it('runs the bundle as CommonJS, then writes a cache that the next load takes', () => {
    const { file: bundle, hash, cacheFile } = makeBundle();
    const first = loadBundle<Demo>(bundle, hash, cacheDir);
    expect(first.cache).toBe('miss');
    expect(first.exports.answer()).toBe(39800);
    expect(first.exports.dir).toBe(work);
    expect(first.exports.label).toBe('café → ok');
    expect(first.exports.req).toBe('function');
    first.save();
    expect(wellFormed(fs.readFileSync(cacheFile))).toBe(true);
    const second = loadBundle<Demo>(bundle, hash, cacheDir);
    expect(second.cache).toBe('hit');
    expect(second.exports.answer()).toBe(39800);
    const before = fs.statSync(cacheFile).mtimeMs;
    second.save(); // a cache V8 took is not rewritten
    expect(fs.statSync(cacheFile).mtimeMs).toBe(before);
  });

  it('names the cache by bundle hash and runtime flags', () => {
    const hash = 'ab'.repeat(32);
    expect(cliCacheFileName('run', hash)).toMatch(new RegExp(`^run-${hash.slice(0, 24)}-[0-9a-f]+\\.v8cache$`));
    expect(cliCacheFileName('run', hash, ['--jitless'])).not.toBe(cliCacheFileName('run', hash, []));
    // The permission model's flags do not change what V8 compiles.
    expect(cliCacheFileName('run', hash, ['--experimental-permission'])).toBe(cliCacheFileName('run', hash, []));
  });

  it('refuses an altered, truncated or foreign cache, still runs, and rewrites it', () => {
    const junk = crypto.randomBytes(4096);
    const cases: Array<[(good: Buffer) => Buffer, string]> = [
      [
        (g) => {
          const b = Buffer.from(g);
          b[b.length - 10] = b[b.length - 10]! ^ 0xff;
          return b;
        },
        'corrupt',
      ],
      [(g) => g.subarray(0, 40), 'corrupt'],
      [() => Buffer.alloc(0), 'corrupt'],
      [(g) => Buffer.concat([Buffer.from('something else!!'), g.subarray(16)]), 'corrupt'],
      // Its own checksum holds; V8 refuses the payload (another V8's cache, or made for other code).
      [() => Buffer.concat([HEADER, crypto.createHash('sha256').update(junk).digest(), junk]), 'rejected'],
    ];
    for (const [spoil, state] of cases) {
      const { file: bundle, hash, cacheFile } = makeBundle();
      loadBundle<Demo>(bundle, hash, cacheDir).save();
      const good = fs.readFileSync(cacheFile);
      const bad = spoil(good);
      expect(bad.equals(good)).toBe(false);
      fs.writeFileSync(cacheFile, bad);
      // Loaded as a source this isolate has not compiled (see above), so V8 reads what it is given.
      const again = makeBundle();
      fs.copyFileSync(cacheFile, again.cacheFile);
      const b = loadBundle<Demo>(again.file, again.hash, cacheDir);
      expect(b.cache).toBe(state);
      expect(b.exports.answer()).toBe(39800);
      b.save();
      expect(wellFormed(fs.readFileSync(again.cacheFile))).toBe(true);
    }
  });

  it('without a cache folder compiles from source and writes nothing', () => {
    const { file: bundle, hash, cacheFile } = makeBundle();
    const b = loadBundle<Demo>(bundle, hash, undefined);
    expect(b.cache).toBe('off');
    b.save();
    expect(b.exports.answer()).toBe(39800);
    expect(fs.existsSync(cacheFile)).toBe(false);
  });

  it('an unwritable cache folder only costs time', () => {
    const { file: bundle, hash } = makeBundle();
    const blocked = path.join(work, 'blocked');
    fs.writeFileSync(blocked, 'a file where the folder would be');
    const b = loadBundle<Demo>(bundle, hash, path.join(blocked, 'cache'));
    expect(b.cache).toBe('miss');
    expect(() => b.save()).not.toThrow();
    expect(fs.readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
