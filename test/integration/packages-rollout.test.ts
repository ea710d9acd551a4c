// Staged rollout through the built CLI: a catalog entry's rollout percentage against this
// installation's bucket (<data-dir>/install-id.json), and the admin policy's `updates.staged`
// and `extensions.pin`. Tests force a bucket by writing install-id.json before the first run.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/sandbox';
import { writeExt } from '../fixtures/packages/tools';

let work: string;
let keyFile: string;
let repo: string;
let v1: string;
let v2: string;
// Install and update show a security brief and ask first when not on a terminal: confirm.
const YES = ['--yes'];

beforeAll(async () => {
  work = tempDir('warden-rollout-');
  keyFile = path.join(work, 'keys', 'me.key');
  repo = path.join(work, 'repo');
  fs.mkdirSync(repo);
  expect((await runCli(['keygen', '--out', keyFile])).code).toBe(0);
  v1 = path.join(work, 'roll-1.0.0.wext');
  v2 = path.join(repo, 'roll-2.0.0.wext');
  for (const [version, out] of [
    ['1.0.0', v1],
    ['2.0.0', v2],
  ] as const) {
    const r = await runCli(['pack', writeExt(work, { id: 'acme.roll', version }), '--key', keyFile, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
  }
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

let n = 0;
/** A catalog holding acme.roll 2.0.0 at `rollout` percent (its own index file). */
async function catalogAt(rollout: number): Promise<string> {
  const out = path.join(repo, `index-${n++}.json`);
  const r = await runCli([
    'catalog',
    'build',
    repo,
    '--key',
    keyFile,
    '--out',
    out,
    '--rollout',
    `acme.roll@2.0.0=${rollout}`,
  ]);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(fs.readFileSync(out, 'utf8')).signed.packages[0]).toMatchObject({ version: '2.0.0', rollout });
  return out;
}

/** A data folder with acme.roll 1.0.0 installed, the catalog trusted, and optionally a bucket and policy. */
async function installation(catalog: string, opts: { bucket?: number; policy?: object } = {}): Promise<string> {
  const home = tempDir('warden-rollhome-');
  fs.writeFileSync(
    path.join(home, 'config.json'),
    JSON.stringify({ catalogKeys: [fs.readFileSync(`${keyFile}.pub`, 'utf8').trim()], catalog }),
  );
  if (opts.bucket !== undefined)
    fs.writeFileSync(path.join(home, 'install-id.json'), JSON.stringify({ bucket: opts.bucket }));
  if (opts.policy) fs.writeFileSync(path.join(home, 'policy.json'), JSON.stringify({ version: 1, ...opts.policy }));
  const i = await runCli(['install', v1, ...YES, '--data-dir', home]);
  expect(i.code, i.stderr).toBe(0);
  return home;
}

const update = (home: string, ...more: string[]) =>
  runCli(['update', 'acme.roll', ...more, ...YES, '--data-dir', home]);
const active = async (home: string) =>
  (
    JSON.parse((await runCli(['list', '--json', '--data-dir', home])).stdout) as {
      id: string;
      active?: string;
      version?: string;
    }[]
  ).find((e) => e.id === 'acme.roll');

describe('staged rollout', () => {
  it('rollout 0 is not applied, with the reason; the bucket is created once (0600) and stays', async () => {
    const home = await installation(await catalogAt(0));
    const r = await update(home);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/2\.0\.0 is rolling out to 0% of installations; not yet to this one \(1\.0\.0 stays\)/);
    const file = path.join(home, 'install-id.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const first = fs.readFileSync(file, 'utf8');
    const { bucket } = JSON.parse(first) as { bucket: number };
    expect(Number.isInteger(bucket) && bucket >= 0 && bucket < 100).toBe(true);
    expect((await update(home)).code).toBe(2);
    expect(fs.readFileSync(file, 'utf8')).toBe(first);
    expect(JSON.stringify(await active(home))).toMatch(/1\.0\.0/);
    // The user's explicit choice of a file still installs.
    const explicit = await update(home, v2);
    expect(explicit.code, explicit.stderr).toBe(0);
    expect(explicit.stdout).toMatch(/updated acme\.roll 1\.0\.0 → 2\.0\.0/);
  });

  it('rollout 100 is applied', async () => {
    const r = await update(await installation(await catalogAt(100)));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/updated acme\.roll 1\.0\.0 → 2\.0\.0/);
  });

  it('a forced bucket 30 gets a 40% rollout and not a 20% one', async () => {
    const yes = await update(await installation(await catalogAt(40), { bucket: 30 }));
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stdout).toMatch(/→ 2\.0\.0/);
    const no = await update(await installation(await catalogAt(20), { bucket: 30 }));
    expect(no.code).toBe(2);
    expect(no.stderr).toMatch(/2\.0\.0 is rolling out to 20% of installations; not yet to this one/);
  });

  it('policy updates.staged: false takes the newest at once; a machine layer that keeps staging wins', async () => {
    const home = await installation(await catalogAt(20), { bucket: 30, policy: { updates: { staged: false } } });
    const machine = path.join(work, 'machine-policy.json');
    fs.writeFileSync(machine, JSON.stringify({ version: 1, updates: { staged: true } }));
    const held = await runCli(['update', 'acme.roll', ...YES, '--data-dir', home], { WARDEN_MACHINE_POLICY: machine });
    expect(held.code).toBe(2);
    expect(held.stderr).toMatch(/rolling out to 20%/);
    const r = await update(home);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/→ 2\.0\.0/);
  });

  it('policy extensions.pin refuses an update outside the pin, from the catalog or a file', async () => {
    const home = await installation(await catalogAt(100), { policy: { extensions: { pin: { 'acme.roll': '1.x' } } } });
    const r = await update(home);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /acme\.roll 2\.0\.0 is outside the administrator's pin "1\.x" \(policy extensions\.pin\): refused/,
    );
    const f = await update(home, v2);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/outside the administrator's pin/);
    expect(JSON.stringify(await active(home))).toMatch(/1\.0\.0/);
    const bad = path.join(home, 'policy.json');
    fs.writeFileSync(bad, JSON.stringify({ version: 1, extensions: { pin: { 'acme.roll': 'not a range' } } }));
    const invalid = await update(home);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/expected a version or semver range/);
  });
});
