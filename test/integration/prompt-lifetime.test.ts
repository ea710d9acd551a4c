// A permission prompt lives no longer than the command it is for (issue 12, item 5): time spent
// waiting for the user does not count against the command's timeout, and a prompt whose command
// has ended (cancelled, its process stopped) is withdrawn; an answer arriving afterwards performs
// nothing and is audited as late. Through a real `warden run --prompt` and a real `warden serve`.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli, tempDir, writeExtension } from '../helpers/sandbox';
import { runCliPiped } from '../helpers/cli-stdin';
import { serveCli } from '../helpers/serve-cli';

let work: string;
let home: string;
let ext: string;
const secret = () => path.join(home, 'Documents', 'notes.txt');

beforeAll(() => {
  work = fs.realpathSync(tempDir('warden-prompt-life-'));
  home = path.join(work, 'home');
  fs.mkdirSync(path.join(home, 'Documents'), { recursive: true });
  fs.writeFileSync(secret(), 'the notes');
  ext = writeExtension(work, {
    id: 'acme.reader',
    commands: ['read'],
    manifest: { permissions: { 'fs.read': ['~/Documents/**'] } },
    source: `exports.activate = () => host.commands.register('read', async () => {
      try { return await host.fs.readText('~/Documents/notes.txt'); } catch (e) { return e.code + '/' + e.reason; }
    });`,
  });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

interface Audit {
  kind: string;
  capability?: string;
  target?: string;
  decision?: string;
  reason?: string;
  method?: string;
  detail?: string;
}
const auditOf = async (dataDir: string): Promise<Audit[]> => {
  const r = await runCli(['audit', '--json', '--data-dir', dataDir], { HOME: home });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Audit);
};

describe('warden run --prompt: the user’s time is not the command’s', () => {
  it('an answer given after the command timeout has passed still lets the command finish', async () => {
    const dataDir = path.join(work, 'data-run');
    let answered = false;
    const r = await runCliPiped(
      ['run', ext, 'read', '--prompt', '--timeout', '1000', '--data-dir', dataDir],
      '',
      { HOME: home },
      {
        keepOpen: true,
        onStderr: (text, write) => {
          if (answered || !text.includes('asks to read')) return;
          answered = true;
          // Well past the command's 1 s: the user is still reading.
          setTimeout(() => write('o\n'), 2500);
        },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('the notes');
    const audit = await auditOf(dataDir);
    expect(audit).toContainEqual(
      expect.objectContaining({ kind: 'decision', target: secret(), decision: 'allow', reason: expect.any(String) }),
    );
    expect(audit.some((a) => a.kind === 'operation' && a.method === 'fs.readText')).toBe(true);
    // Every allowance says why, as denials do (`warden audit` as a user reads it).
    const shown = await runCli(['audit', '--data-dir', dataDir], { HOME: home });
    expect(shown.stdout).toContain(`fs.read ${secret()} → allow (declared; allowed once by the user) via prompt`);
  });
});

describe('warden serve: a prompt whose command ended is withdrawn', () => {
  const cases = [
    { name: 'cancelled', end: (s: Awaited<ReturnType<typeof serveCli>>) => s.call('commands.cancel', { runId: 'r1' }) },
    {
      name: 'stopped',
      end: (s: Awaited<ReturnType<typeof serveCli>>) => s.call('extensions.stop', { id: 'acme.reader' }),
    },
  ];
  for (const c of cases) {
    it(`when the command is ${c.name}: the prompt disappears and a late answer performs nothing`, async () => {
      const dataDir = path.join(work, `data-serve-${c.name}`);
      const s = await serveCli(['--data-dir', dataDir, '--dev', ext], { HOME: home });
      try {
        const run = s.call('commands.run', { runId: 'r1', extensionId: 'acme.reader', commandId: 'read', args: {} });
        const opened = await vi.waitFor(
          () => {
            const e = s.events.find((x) => x.event === 'prompts.opened');
            if (!e) throw new Error('no prompt yet');
            return e.payload as { promptId: string };
          },
          { timeout: 20_000, interval: 100 },
        );
        await c.end(s);
        const result = await run;
        expect(result.ok).toBe(false);
        // Withdrawn: gone from the panel's list and announced as closed.
        await vi.waitFor(
          () =>
            expect(s.events).toContainEqual({
              event: 'prompts.closed',
              payload: { promptId: opened.promptId, answer: 'withdrawn' },
            }),
          { timeout: 10_000, interval: 100 },
        );
        expect((await s.call('prompts.pending')).value).toEqual([]);
        // Clicking Allow afterwards: refused, and nothing is read.
        const late = await s.call('prompts.answer', { promptId: opened.promptId, answer: { kind: 'allow-once' } });
        expect(late.ok).toBe(false);
        expect(late.error?.code).toBe('ENOENT');
        await new Promise((r) => setTimeout(r, 300));
        const audit = await auditOf(dataDir);
        const about = audit.filter((a) => a.target === secret());
        expect(about.some((a) => a.decision === 'allow')).toBe(false);
        // The read was refused (an operation record that failed), never performed.
        const reads = audit.filter((a) => a.kind === 'operation' && a.method === 'fs.readText');
        expect(reads.every((a) => a.detail !== undefined)).toBe(true);
        expect(about.some((a) => a.decision === 'deny' && a.reason === 'withdrawn')).toBe(true);
        expect(about.some((a) => a.detail?.startsWith('late answer'))).toBe(true);
      } finally {
        await s.stop();
      }
    });
  }
});
