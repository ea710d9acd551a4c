// Issue 12 item 4: strikes live in the data folder, so kills in separate `warden run` processes
// add up: the third memory kill within the window quarantines the extension. The kill that
// enforces a quarantine is not one more strike, "quarantined" is said once, and every message
// tells the user how to undo it (`warden release <id>`).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeExtension } from '../helpers/sandbox';

let work: string;
let hog: string;
let prober: string;
beforeAll(() => {
  work = tempDir('warden-strikes-');
  hog = writeExtension(work, {
    id: 'bad.hog',
    commands: ['balloon', 'ping'],
    manifest: { limits: { memoryMb: 32 } },
    source: `exports.activate = () => {
      host.commands.register('ping', () => 'pong');
      host.commands.register('balloon', async () => {
        const keep = [];
        for (;;) {
          keep.push(new Uint8Array(4 * 1024 * 1024).fill(1));
          await new Promise((r) => setTimeout(r, 1));
        }
      });
    };`,
  });
  // Undeclared requests: every 10 within a minute are a strike, so 30 quarantine it while it runs.
  prober = writeExtension(work, {
    id: 'bad.prober',
    commands: ['probe'],
    source: `exports.activate = () => {
      host.commands.register('probe', async () => {
        for (let i = 0; i < 40; i++) {
          await host.fs.readText('/etc/hostname').catch(() => {});
        }
        await new Promise((r) => setTimeout(r, 5000));
        return 'survived';
      });
    };`,
  });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const count = (text: string, re: RegExp) => text.match(new RegExp(re.source, 'g'))?.length ?? 0;
/** The host's log lines (not the command's final error line). */
const logLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => !/ failed: /.test(l))
    .join('\n');

describe('strikes across warden run processes', () => {
  it('three separate memory kills quarantine the extension; the fourth run is refused and says how to release it', async () => {
    const data = path.join(work, 'data-hog');
    const cli = (...args: string[]) => runCli([...args, '--data-dir', data]);
    for (let i = 1; i <= 3; i++) {
      const r = await cli('run', hog, 'balloon');
      expect(r.code, `run ${i}: ${r.stderr}`).toBe(1);
      expect(r.stderr, `run ${i}`).toMatch(/balloon failed: EQUOTA.*memory/);
      if (i < 3) expect(r.stderr, `run ${i}`).not.toMatch(/quarantined/);
      else {
        expect(count(r.stderr, /quarantined/), `run 3 says "quarantined" once:\n${r.stderr}`).toBe(1);
        expect(r.stderr).toMatch(/warden release bad\.hog/);
      }
    }
    const list = await cli('quarantine', 'list');
    expect(list.stdout).toMatch(/bad\.hog.*3 strikes/);

    const refused = await cli('run', hog, 'ping');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ping failed: EPERM.*quarantined.*warden release bad\.hog/);

    expect((await cli('release', 'bad.hog')).code).toBe(0);
    const again = await cli('run', hog, 'ping');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('pong\n');
    // Released means a fresh start: one more kill is one strike, not a fourth.
    const oneMore = await cli('run', hog, 'balloon');
    expect(oneMore.stderr).toMatch(/EQUOTA/);
    expect(oneMore.stderr).not.toMatch(/quarantined/);
  }, 180_000);

  it('the kill that enforces a quarantine is not an extra strike, and "quarantined" is logged once', async () => {
    const data = path.join(work, 'data-prober');
    const r = await runCli(['run', prober, 'probe', '--deny-all', '--data-dir', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/probe failed: EPERM.*quarantined/);
    expect(count(logLines(r.stderr), /quarantined/), r.stderr).toBe(1);
    expect(r.stderr).toMatch(/probe failed: .*warden release bad\.prober/);
    const list = await runCli(['quarantine', 'list', '--data-dir', data]);
    expect(list.stdout).toMatch(/bad\.prober.*3 strikes/);
  }, 60_000);
});
