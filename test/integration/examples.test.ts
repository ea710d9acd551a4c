// The example extensions, end to end: through the `warden` CLI as a developer runs them, and
// through the supervisor API as the app does, with exact known answers.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHost, EXAMPLES, load, runCli, tempDir, type CliRun, type TestHost } from '../helpers/sandbox';
import type { CommandResult } from '../../electron/common/command-result';

const NOTES = path.join(EXAMPLES, 'notes');
const TEXT_TOOLS = path.join(EXAMPLES, 'text-tools');
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const cleanup: string[] = [];
let host: TestHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
  for (const d of cleanup.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = tempDir('warden-examples-');
  cleanup.push(d);
  return d;
}

/** `warden run` with a data dir; `args` is passed as --args JSON when given. */
function cli(dir: string, data: string, command: string, args?: unknown, ...extra: string[]): Promise<CliRun> {
  return runCli([
    'run',
    dir,
    command,
    '--data-dir',
    data,
    ...(args === undefined ? [] : ['--args', JSON.stringify(args)]),
    ...extra,
  ]);
}

async function ok(r: Promise<CliRun>): Promise<string> {
  const done = await r;
  expect(done.code, done.stderr).toBe(0);
  return done.stdout;
}

async function json(r: Promise<CliRun>): Promise<unknown> {
  const out = JSON.parse(await ok(r)) as { ok: true; result: CommandResult };
  expect(out.ok).toBe(true);
  return out.result;
}

describe('notes, through the CLI', () => {
  it('adds, lists, searches, removes and exports notes, persisted in the data dir', async () => {
    const data = dataDir();
    expect(await ok(cli(NOTES, data, 'notes.add', { text: 'Buy milk', tags: 'home, #Errands' }))).toBe(
      'Added note #1 (1 in total)\n',
    );
    expect(await ok(cli(NOTES, data, 'notes.add', { text: '  Call Alice ', tags: 'work' }))).toBe(
      'Added note #2 (2 in total)\n',
    );

    const list = await json(cli(NOTES, data, 'notes.list', undefined, '--json'));
    expect(list).toMatchObject({ type: 'table', columns: ['#', 'note', 'tags', 'created'] });
    const rows = (list as { rows: unknown[][] }).rows;
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      [1, 'Buy milk', '#home #errands'],
      [2, 'Call Alice', '#work'],
    ]);
    for (const r of rows) expect(r[3]).toMatch(ISO_DATE);

    // The plain-text table lines up its columns.
    const text = (await ok(cli(NOTES, data, 'notes.list'))).split('\n');
    expect(text[0]).toBe('#  note        tags            created');
    expect(text[2]).toMatch(/^1 {2}Buy milk {4}#home #errands {2}\d{4}-/);

    const byTag = (await json(cli(NOTES, data, 'notes.search', { query: '#work' }, '--json'))) as { rows: unknown[][] };
    expect(byTag.rows.map((r) => r[1])).toEqual(['Call Alice']);
    const byText = (await json(cli(NOTES, data, 'notes.search', { query: 'MILK' }, '--json'))) as { rows: unknown[][] };
    expect(byText.rows.map((r) => r[0])).toEqual([1]);

    expect(await ok(cli(NOTES, data, 'notes.remove', { id: 1 }))).toBe('Removed note #1\n');
    const missing = await cli(NOTES, data, 'notes.remove', { id: 9 });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('warden: notes.remove failed: ENOENT: there is no note #9');

    expect(await ok(cli(NOTES, data, 'notes.export'))).toBe('Exported 1 notes to `exports/notes.md` (30 bytes).\n');
    const exported = path.join(data, 'data', 'warden-examples.notes', 'files', 'exports', 'notes.md');
    expect(fs.readFileSync(exported, 'utf8')).toBe('# Notes\n\n- Call Alice (#work)\n');
  });

  it("refuses an empty note with the extension's own EINVAL", async () => {
    const r = await cli(NOTES, dataDir(), 'notes.add', { text: '   ' }, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      error: { code: 'EINVAL', message: 'a note needs some text' },
    });
  });

  it('prints what the extension logs, prefixed with its id', async () => {
    const r = await cli(NOTES, dataDir(), 'notes.add', { text: 'x' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('[warden-examples.notes] added note 1\n');
  });
});

describe('text-tools, through the CLI', () => {
  it('computes statistics', async () => {
    expect(
      await json(cli(TEXT_TOOLS, dataDir(), 'text.stats', { text: 'Hello world. Hello again!\nBye.' }, '--json')),
    ).toEqual({
      type: 'table',
      columns: ['measure', 'value'],
      rows: [
        ['characters', 30],
        ['words', 5],
        ['lines', 2],
        ['sentences', 3],
        ['uniqueWords', 4],
        ['averageWordLength', 4.6],
      ],
    });
  });

  it('transforms text and keeps a history in its data folder', async () => {
    const data = dataDir();
    expect(await ok(cli(TEXT_TOOLS, data, 'text.history'))).toBe('No transformations yet.\n');
    const cases: Array<[string, string, string]> = [
      ['Crème Brûlée, à la carte!', 'slug', 'creme-brulee-a-la-carte'],
      ['héllo', 'base64', 'aMOpbGxv'],
      ["hello wORLD it's", 'title', "Hello World It's"],
      ['Straße', 'upper', 'STRASSE'],
      ['añb😀', 'reverse', '😀bña'],
    ];
    for (const [text, to, expected] of cases) {
      expect(await ok(cli(TEXT_TOOLS, data, 'text.transform', { text, to }))).toBe(`${expected}\n`);
    }
    const bad = await cli(TEXT_TOOLS, data, 'text.transform', { text: 'x', to: 'rot13' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^warden: text\.transform failed: EINVAL: unknown transformation "rot13"/);

    const history = (await json(cli(TEXT_TOOLS, data, 'text.history', undefined, '--json'))) as {
      value: Array<{ at: string; to: string; chars: number }>;
    };
    expect(history.value.map((h) => [h.to, h.chars])).toEqual(cases.map(([, to, out]) => [to, out.length]));
    for (const h of history.value) expect(h.at).toMatch(ISO_DATE);
    const file = path.join(data, 'data', 'warden-examples.text-tools', 'files', 'history.jsonl');
    expect(fs.readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(cases.length);
  });

  it('ranks word frequencies', async () => {
    const text = 'the cat and the hat and the bat';
    expect(await ok(cli(TEXT_TOOLS, dataDir(), 'text.frequencies', { text, top: 2 }))).toBe(
      'word  count\n----  -----\nthe   3\nand   2\n',
    );
    const all = (await json(cli(TEXT_TOOLS, dataDir(), 'text.frequencies', { text }, '--json'))) as {
      rows: unknown[][];
    };
    expect(all.rows).toEqual([
      ['the', 3],
      ['and', 2],
      ['bat', 1],
      ['cat', 1],
      ['hat', 1],
    ]);
  });

  it('generates distinct v4 UUIDs', async () => {
    const r = (await json(cli(TEXT_TOOLS, dataDir(), 'text.uuid', { count: 3 }, '--json'))) as { value: string[] };
    expect(r.value).toHaveLength(3);
    for (const u of r.value) expect(u).toMatch(UUID_V4);
    expect(new Set(r.value).size).toBe(3);
  });
});

describe('examples, through the supervisor', () => {
  it('runs notes with storage that survives a stop', async () => {
    host = createTestHost();
    const ext = await load(NOTES);
    host.supervisor.add(ext);
    const id = ext.manifest.id;
    expect(id).toBe('warden-examples.notes');
    const { supervisor } = host;

    expect(await supervisor.invoke(id, 'notes.add', { text: 'alpha', tags: 'a' })).toEqual({
      type: 'text',
      text: 'Added note #1 (1 in total)',
    });
    expect(await supervisor.invoke(id, 'notes.add', { text: 'beta' })).toEqual({
      type: 'text',
      text: 'Added note #2 (2 in total)',
    });
    await supervisor.stop(id);
    expect(supervisor.status(id).state).toBe('idle');

    const found = (await supervisor.invoke(id, 'notes.search', { query: '#a' })) as { rows: unknown[][] };
    expect(found.rows.map((r) => r.slice(0, 3))).toEqual([[1, 'alpha', '#a']]);

    const progress: Array<[number | null, string | undefined]> = [];
    expect(await supervisor.invoke(id, 'notes.export', {}, { onProgress: (f, m) => progress.push([f, m]) })).toEqual({
      type: 'markdown',
      markdown: 'Exported 2 notes to `exports/notes.md` (29 bytes).',
    });
    expect(progress).toEqual([[0.5, 'Writing notes.md']]);
    expect(fs.readFileSync(path.join(host.dataDir, 'data', id, 'files', 'exports', 'notes.md'), 'utf8')).toBe(
      '# Notes\n\n- alpha (#a)\n- beta\n',
    );
    expect(supervisor.status(id).restarts).toBe(0);
  });

  it('runs text-tools next to notes, each in its own process', async () => {
    host = createTestHost();
    const notes = await load(NOTES);
    const tools = await load(TEXT_TOOLS);
    host.supervisor.add(notes);
    host.supervisor.add(tools);
    const { supervisor } = host;

    const [stats, added] = await Promise.all([
      supervisor.invoke(tools.manifest.id, 'text.stats', { text: 'one two two' }),
      supervisor.invoke(notes.manifest.id, 'notes.add', { text: 'parallel' }),
    ]);
    expect((stats as { rows: unknown[][] }).rows.slice(0, 2)).toEqual([
      ['characters', 11],
      ['words', 3],
    ]);
    expect(added).toEqual({ type: 'text', text: 'Added note #1 (1 in total)' });
    expect(await supervisor.invoke(tools.manifest.id, 'text.transform', { text: 'Warden', to: 'reverse' })).toEqual({
      type: 'text',
      text: 'nedraW',
    });
    expect(await supervisor.invoke(tools.manifest.id, 'text.uuid', {})).toMatchObject({ type: 'json' });

    const pids = [supervisor.status(notes.manifest.id).stats?.pid, supervisor.status(tools.manifest.id).stats?.pid];
    expect(pids.every((p) => typeof p === 'number')).toBe(true);
    expect(pids[0]).not.toBe(pids[1]);
    // Each keeps its own private data.
    expect(fs.readdirSync(path.join(host.dataDir, 'data')).sort()).toEqual([notes.manifest.id, tools.manifest.id]);
  });
});
