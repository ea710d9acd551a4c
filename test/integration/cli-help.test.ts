// `warden <command> --help` through the built CLI: every sub-command prints its own usage and
// exits 0, and that usage names every option the command's parser accepts (and no other).
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/sandbox';
import { COMMAND_OPTIONS } from '../../extensions/sdk/cli/command-options';

const flagsIn = (text: string) => new Set([...text.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((m) => m[1]!));

describe('warden <command> --help', () => {
  it.each(Object.keys(COMMAND_OPTIONS))('%s --help prints its usage, exit 0', async (name) => {
    const long = await runCli([name, '--help']);
    expect(long.code, long.stderr).toBe(0);
    expect(long.stderr).toBe('');
    expect(long.stdout.startsWith(`Usage: warden ${name}`)).toBe(true);
    expect([...flagsIn(long.stdout)].sort()).toEqual(Object.keys(COMMAND_OPTIONS[name]!).sort());
  });

  it.each(['run', 'catalog', 'secrets'])('%s -h is the same as --help', async (name) => {
    const short = await runCli([name, '-h']);
    expect(short.code).toBe(0);
    expect(short.stdout).toBe((await runCli([name, '--help'])).stdout);
  });

  it('--help after other arguments still asks for help (and runs nothing)', async () => {
    const r = await runCli(['run', 'no-such-folder', 'x.y', '--json', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: warden run /);
  });

  it('warden help <command> is the same usage; an unknown option points at the command help', async () => {
    const a = await runCli(['help', 'pack']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe((await runCli(['pack', '--help'])).stdout);
    const bad = await runCli(['build', '.', '--no-such-flag']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('warden build --help');
  });
});
