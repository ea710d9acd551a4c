// `ldd` runs once per runtime build, not once per `warden run`: its answer is kept in the data
// folder, keyed by the binary's real path, size and mtime, and anything else found there is
// ignored (asked again). Each case uses its own binary: answers are also kept per process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedLibraries } from '../../electron/core/process/runtime-files';

const hasLdd = process.platform === 'linux' && spawnSync('ldd', ['/bin/cat']).status === 0;
const keyOf = (bin: string) => {
  const real = fs.realpathSync(bin);
  const st = fs.statSync(real);
  return `${real}\0${st.size}\0${st.mtimeMs}`;
};

describe.skipIf(!hasLdd)('runtime library list kept between runs', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-rtfiles-'));
    file = path.join(dir, 'cache', 'runtime-files.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes what ldd answered, keyed by the binary', () => {
    const libs = sharedLibraries('/bin/cat', file);
    expect(libs.some((l) => /libc\.so/.test(l))).toBe(true);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ key: keyOf('/bin/cat'), libs });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('uses a kept answer for the same binary without asking ldd', () => {
    const planted = ['/planted/libone.so.1'];
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ key: keyOf('/bin/ls'), libs: planted }));
    expect(sharedLibraries('/bin/ls', file)).toEqual(planted);
  });

  it('asks again when the binary changed, or the file is not exactly a list of absolute paths', () => {
    const bins = ['/usr/bin/env', '/bin/echo', '/bin/true', '/bin/false'].filter((b) => fs.existsSync(b));
    const stale = [
      JSON.stringify({ key: 'other-binary\0 1\0 2', libs: ['/planted/x.so'] }),
      (b: string) => JSON.stringify({ key: keyOf(b), libs: ['relative/x.so'] }),
      (b: string) => `{"key":${JSON.stringify(keyOf(b))},"libs":["/planted/a.so"],"libs":["/planted/b.so"]}`,
      'not json',
    ];
    stale.forEach((content, i) => {
      const bin = bins[i];
      if (!bin) return;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, typeof content === 'string' ? content : content(bin));
      const libs = sharedLibraries(bin, file);
      expect(libs.some((l) => l.startsWith('/planted'))).toBe(false);
      expect(libs.some((l) => /libc\.so/.test(l))).toBe(true);
      expect(JSON.parse(fs.readFileSync(file, 'utf8')).key).toBe(keyOf(bin));
    });
  });
});
