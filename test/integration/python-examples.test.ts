// Issue 17 items 1, 2 and 5: Python extensions as a developer uses them, through the built CLI and
// real sandbox processes: the two Python examples (a stdlib smoke test — json, re, hashlib,
// datetime, dataclasses, asyncio.sleep — with exact known answers, and host.fs behind a prompt),
// `warden init --python` → validate → run, and `warden pack` signing every .py file.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, runCli, tempDir } from '../helpers/sandbox';

const LONG = 600_000; // a Python start is ~1–3 s on a quiet machine; this one is shared
let work: string;
beforeAll(() => {
  work = tempDir('warden-py-examples-');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const last = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;

describe('Python examples through warden run', () => {
  it(
    'py-json-tools: the standard library works unmodified (exact answers)',
    async () => {
      const value = { b: [1, 2, { c: 'x' }], a: 'y', 'not id': 3.5 };
      const r = await runCli(
        [
          'run',
          path.join(EXAMPLES, 'py-json-tools'),
          'py-json-tools.summary',
          '--json',
          '--args',
          JSON.stringify({ text: JSON.stringify(value) }),
          '--data-dir',
          path.join(work, 'd1'),
        ],
        {},
        LONG,
      );
      const out = last(r.stdout) as { ok: boolean; result: { type: string; rows: Array<[string, unknown]> } };
      expect(out.ok, r.stderr).toBe(true);
      const rows = Object.fromEntries(out.result.rows);
      // Python's canonical form: sorted keys, no spaces (the same text as this JSON.stringify).
      const canonical = '{"a":"y","b":[1,2,{"c":"x"}],"not id":3.5}';
      expect(rows).toEqual({
        objects: 2,
        arrays: 1,
        strings: 2,
        numbers: 3,
        depth: 4,
        keys: 'a, b, c, not id',
        'identifier keys': 3,
        sha256: createHash('sha256').update(canonical).digest('hex'),
        year: new Date().getUTCFullYear(),
      });
    },
    LONG,
  );

  it(
    'py-json-tools: a host.HostError raised in Python fails the command with its code',
    async () => {
      const r = await runCli(
        [
          'run',
          path.join(EXAMPLES, 'py-json-tools'),
          'py-json-tools.format',
          '--json',
          '--args',
          '{"text":"{oops"}',
          '--data-dir',
          path.join(work, 'd2'),
        ],
        {},
        LONG,
      );
      const out = last(r.stdout) as { ok: boolean; error: { code: string; message: string } };
      expect(r.code).toBe(1);
      expect(out.error.code).toBe('EINVAL');
      expect(out.error.message).toMatch(
        /^not JSON: Expecting property name enclosed in double quotes at line 1 column 2/,
      );
    },
    LONG,
  );

  it(
    'py-word-count: host.fs through the permission prompt, a helper module imported',
    async () => {
      const home = tempDir('warden-py-home-');
      fs.mkdirSync(path.join(home, 'Documents'));
      fs.writeFileSync(path.join(home, 'Documents', 'a.txt'), "one two three, it's four\n");
      const args = [
        'run',
        path.join(EXAMPLES, 'py-word-count'),
        'py-word-count.file',
        '--args',
        '{"file":"~/Documents/a.txt"}',
      ];
      const denied = await runCli(
        [...args, '--deny-all', '--json', '--data-dir', path.join(work, 'd3')],
        { HOME: home },
        LONG,
      );
      expect((last(denied.stdout) as { error: { code: string } }).error.code).toBe('EPERM');
      const allowed = await runCli(
        [...args, '--allow', 'fs.read=~/Documents', '--data-dir', path.join(work, 'd3')],
        { HOME: home },
        LONG,
      );
      expect(allowed.stdout.trim(), allowed.stderr).toBe('5 words in ~/Documents/a.txt');
      fs.rmSync(home, { recursive: true, force: true });
    },
    LONG,
  );
});

describe('warden init --python and pack', () => {
  it(
    'scaffolds an extension that validates and runs as it is',
    async () => {
      const dir = path.join(work, 'hello-py');
      const init = await runCli(['init', dir, '--python', '--id', 'acme.hello-py']);
      expect(init.code, init.stderr).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'main.py'), 'utf8')).toMatch(/@host\.command\("hello-py\.greet"\)/);
      expect((await runCli(['validate', dir])).code).toBe(0);
      const run = await runCli(
        ['run', dir, 'hello-py.greet', '--json', '--args', '{"name":"Ada"}', '--data-dir', path.join(work, 'd4')],
        {},
        LONG,
      );
      expect(last(run.stdout).result, run.stderr).toEqual({
        type: 'table',
        columns: ['greeting', 'greetings so far'],
        rows: [['Hello, Ada!', 1]],
      });
    },
    LONG,
  );

  it(
    'pack signs every .py file of a Python extension',
    async () => {
      const key = path.join(work, 'k.key');
      expect((await runCli(['keygen', '--out', key])).code).toBe(0);
      const out = path.join(work, 'wc.wext');
      const pack = await runCli(['pack', path.join(EXAMPLES, 'py-word-count'), '--key', key, '--out', out]);
      expect(pack.code, pack.stderr).toBe(0);
      const v = await runCli(['verify', out, '--json']);
      expect(v.code, v.stderr).toBe(0);
      expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, files: 3 });
      const signed = execFileSync('tar', ['-xOf', out, 'warden-signature.json'], { encoding: 'utf8' });
      expect(signed).toContain('"counting.py"');
      expect(signed).toContain('"main.py"');
    },
    LONG,
  );
});
