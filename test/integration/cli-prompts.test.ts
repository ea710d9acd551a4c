// Permission prompts answered through a real `warden run --prompt` process with piped stdin
// (issue 12, items 6 and 7): every piped line answers one prompt, in order; end of input means
// deny at once; `--prompt-timeout` bounds a prompt nobody answers; "always allow this folder"
// means the folder asked about and everything below it, so a listing followed by reads of the
// listed files asks once.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeExtension } from '../helpers/sandbox';
import { runCliPiped } from '../helpers/cli-stdin';

let work: string;
let home: string;
let dataDir: string;
const env = () => ({ HOME: home, WARDEN_HOME: dataDir });

beforeAll(() => {
  work = fs.realpathSync(tempDir('warden-prompts-'));
  home = path.join(work, 'home');
  const essays = path.join(home, 'Documents', 'essays');
  fs.mkdirSync(essays, { recursive: true });
  for (const n of ['a', 'b', 'c']) fs.writeFileSync(path.join(essays, `${n}.txt`), `essay ${n}`);
  fs.writeFileSync(path.join(home, 'Documents', 'taxes.txt'), 'private');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const freshData = () => {
  dataDir = path.join(work, `data-${Math.random().toString(36).slice(2, 8)}`);
  return dataDir;
};

/** Reads each path in order, recording its text or the error's code/reason. */
const readsSource = `exports.activate = () => host.commands.register('reads', async ({ paths }) => {
  const out = [];
  for (const p of paths) {
    try { out.push(await host.fs.readText(p)); } catch (e) { out.push(e.code + '/' + e.reason); }
  }
  return JSON.stringify(out);
});
host.commands.register('survey', async ({ dir }) => {
  const out = [];
  for (const e of await host.fs.list(dir)) out.push(await host.fs.readText(dir + '/' + e.name));
  return JSON.stringify(out);
});`;

let ext: string;
beforeAll(() => {
  ext = writeExtension(work, {
    id: 'acme.reader',
    commands: ['reads', 'survey'],
    manifest: { permissions: { 'fs.read': ['~/Documents/**'] } },
    source: readsSource,
  });
});

const prompts = (stderr: string) => stderr.split('\n').filter((l) => l.includes('asks to read')).length;

describe('warden run --prompt with piped answers', () => {
  it('consumes every piped line in order, one per prompt', async () => {
    freshData();
    const paths = ['~/Documents/essays/a.txt', '~/Documents/essays/b.txt', '~/Documents/essays/c.txt'];
    const r = await runCliPiped(
      ['run', ext, 'reads', '--prompt', '--args', JSON.stringify({ paths })],
      'o\nd\no\n',
      env(),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['essay a', 'EPERM/denied', 'essay c']);
    expect(prompts(r.stderr)).toBe(3);
  });

  it('treats the end of input as deny for every later prompt, without waiting', async () => {
    freshData();
    const paths = ['~/Documents/essays/a.txt', '~/Documents/essays/b.txt', '~/Documents/essays/c.txt'];
    // The call timeout is far below the 60 s prompt timeout: a prompt left waiting fails the call.
    const r = await runCliPiped(
      ['run', ext, 'reads', '--prompt', '--timeout', '20000', '--args', JSON.stringify({ paths })],
      'o\n',
      env(),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['essay a', 'EPERM/denied', 'EPERM/denied']);
  });

  it('--prompt-timeout bounds a prompt nobody answers (stdin left open)', async () => {
    freshData();
    const r = await runCliPiped(
      [
        'run',
        ext,
        'reads',
        '--prompt',
        '--prompt-timeout',
        '1',
        '--args',
        JSON.stringify({ paths: ['~/Documents/essays/a.txt'] }),
      ],
      '',
      env(),
      { keepOpen: true },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['EPERM/timeout']);
  });

  it('rejects a --prompt-timeout that is not a positive number of seconds', async () => {
    freshData();
    const r = await runCli(['run', ext, 'reads', '--prompt', '--prompt-timeout', 'soon'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--prompt-timeout');
  });
});

describe('"always allow this folder"', () => {
  const grantsOf = async () =>
    JSON.parse((await runCli(['grants', 'list', '--json'], env())).stdout) as {
      scope: { kind: string; value: string };
      effect: string;
    }[];

  it('for a folder stores that folder and everything below it; listing then reading asks once', async () => {
    freshData();
    const r = await runCliPiped(
      ['run', ext, 'survey', '--prompt', '--args', JSON.stringify({ dir: '~/Documents/essays' })],
      'f\n',
      env(),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['essay a', 'essay b', 'essay c']);
    expect(prompts(r.stderr)).toBe(1);
    // The prompt named the folder itself as what "this folder" covers.
    expect(r.stderr).toContain('[f] always allow ~/Documents/essays/');
    const grants = await grantsOf();
    expect(grants.map((g) => [g.effect, g.scope])).toEqual([
      ['allow', { kind: 'tree', value: path.join(home, 'Documents', 'essays') }],
    ]);
    // Not the parent: a file beside the folder still asks (and is denied at end of input).
    const beside = await runCliPiped(
      ['run', ext, 'reads', '--prompt', '--args', JSON.stringify({ paths: ['~/Documents/taxes.txt'] })],
      '',
      env(),
    );
    expect(JSON.parse(beside.stdout)).toEqual(['EPERM/denied']);
    expect(prompts(beside.stderr)).toBe(1);
  });

  it('for a file stores the folder that holds it (not its parent)', async () => {
    freshData();
    const r = await runCliPiped(
      ['run', ext, 'reads', '--prompt', '--args', JSON.stringify({ paths: ['~/Documents/essays/a.txt'] })],
      'f\n',
      env(),
    );
    expect(JSON.parse(r.stdout)).toEqual(['essay a']);
    expect((await grantsOf()).map((g) => g.scope)).toEqual([
      { kind: 'tree', value: path.join(home, 'Documents', 'essays') },
    ]);
  });

  it('"this item" for a folder stores the folder alone: its files still ask', async () => {
    freshData();
    const r = await runCliPiped(
      ['run', ext, 'survey', '--prompt', '--args', JSON.stringify({ dir: '~/Documents/essays' })],
      'a\no\no\no\n',
      env(),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(prompts(r.stderr)).toBe(4);
    expect((await grantsOf()).map((g) => g.scope)).toEqual([
      { kind: 'item', value: path.join(home, 'Documents', 'essays') },
    ]);
  });
});
