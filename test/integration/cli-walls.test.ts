// Which walls confine an extension's process is said by the real CLI (`warden run --verbose`,
// `--json`, `warden top`), and an admin policy that requires more than the machine offers is
// refused (docs/os-wall.md).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeExtension } from '../helpers/sandbox';
import { createForkLauncher } from '../../electron/core/process/fork-launcher';
import { BOOTSTRAP } from '../helpers/sandbox';

const parent = tempDir('warden-walls-ext-');
const dataDir = tempDir('warden-walls-data-');
const dir = writeExtension(parent, {
  id: 'walls.probe',
  commands: ['hello'],
  source: `host.commands.register('hello', () => ({ type: 'text', text: 'hi' }));`,
});
afterAll(() => {
  fs.rmSync(parent, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});
const expected = createForkLauncher({ bootstrapPath: BOOTSTRAP }).wall!;

describe('the CLI says which walls stand', () => {
  it('warden run --verbose names them on stderr; --json carries them', async () => {
    const verbose = await runCli(['run', dir, 'hello', '--verbose', '--data-dir', dataDir]);
    expect(verbose.code, verbose.stderr).toBe(0);
    expect(verbose.stderr).toContain(`warden: walls: ${expected.label}`);
    const json = await runCli(['run', dir, 'hello', '--json', '--data-dir', dataDir]);
    expect(json.code, json.stderr).toBe(0);
    const out = JSON.parse(json.stdout) as { ok: boolean; wall: { label: string; level: string } };
    expect(out.ok).toBe(true);
    expect(out.wall).toMatchObject({ label: expected.label, level: expected.level });
  });

  it('warden top shows a walls column', async () => {
    const r = await runCli(['top', dir, '--duration', '1', '--data-dir', dataDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\bwalls\b/);
    expect(r.stdout).toContain(expected.label);
  });

  it('a policy that requires the level the machine offers runs; one it cannot meet is refused', async () => {
    fs.writeFileSync(
      path.join(dataDir, 'policy.json'),
      JSON.stringify({ version: 1, sandbox: { requireWall: expected.level } }),
    );
    const ok = await runCli(['run', dir, 'hello', '--data-dir', dataDir]);
    expect(ok.code, ok.stderr).toBe(0);
    fs.writeFileSync(
      path.join(dataDir, 'policy.json'),
      JSON.stringify({ version: 1, sandbox: { requireWall: 'bogus' } }),
    );
    const bad = await runCli(['run', dir, 'hello', '--data-dir', dataDir]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/requireWall/);
    fs.rmSync(path.join(dataDir, 'policy.json'));
  });
});
