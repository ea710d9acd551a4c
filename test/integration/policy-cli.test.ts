// The administrator's policy through the real `warden` CLI: a named policy that cannot be used is
// fatal (run and serve), and the machine-wide policy can be narrowed, never widened, per user.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir, writeExtension } from '../helpers/sandbox';

const work = fs.realpathSync(tempDir('warden-policy-cli-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const docs = path.join(work, 'docs');
fs.mkdirSync(docs);
fs.writeFileSync(path.join(docs, 'note.txt'), 'hello');
const ext = writeExtension(work, {
  id: 'acme.reader',
  commands: ['read'],
  manifest: { permissions: { 'fs.read': [`${docs}/**`] } },
  source: `exports.activate = () => host.commands.register('read', ({ file }) => host.fs.readText(file));`,
});

let n = 0;
function policyFile(policy: unknown): string {
  const file = path.join(work, `policy-${++n}.json`);
  fs.writeFileSync(file, typeof policy === 'string' ? policy : JSON.stringify(policy));
  return file;
}

/** Runs `read` with the given extra flags and environment; returns the parsed --json outcome. */
async function read(flags: string[], env: Record<string, string> = {}) {
  const r = await runCli(
    ['run', ext, 'read', '--args', JSON.stringify({ file: path.join(docs, 'note.txt') }), '--json', ...flags],
    { WARDEN_HOME: path.join(work, 'home'), WARDEN_MACHINE_POLICY: '', ...env },
  );
  return {
    ...r,
    out: r.stdout ? (JSON.parse(r.stdout) as { ok: boolean; error?: { code: string; reason?: string } }) : undefined,
  };
}

const forbidDocs = { version: 1, forbid: [{ capability: 'fs.read', targets: [`${docs}/**`] }] };
const allowDocs = { version: 1, allow: [{ capability: 'fs.read', targets: [`${docs}/**`] }] };

describe('a policy that cannot be used is fatal', () => {
  it('warden run --policy /no/such/file exits 2 and names the file', async () => {
    const r = await read(['--deny-all', '--policy', path.join(work, 'no', 'such', 'policy.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/policy file .*no\/such\/policy\.json does not exist/);
  });

  it('a malformed or invalid --policy exits 2', async () => {
    for (const bad of ['{ not json', JSON.stringify({ version: 1, forbid: 3 }), JSON.stringify({ version: 2 })]) {
      const r = await read(['--deny-all', '--policy', policyFile(bad)]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toMatch(/warden: policy file .*policy-\d+\.json/);
    }
  });

  it('a malformed per-user policy.json and a missing WARDEN_MACHINE_POLICY file exit 2', async () => {
    const home = path.join(work, 'bad-home');
    fs.mkdirSync(home);
    fs.writeFileSync(path.join(home, 'policy.json'), '{"version":1,"forbid":[');
    const r1 = await read(['--deny-all'], { WARDEN_HOME: home });
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/policy\.json is not valid JSON/);
    const r2 = await read(['--deny-all'], { WARDEN_MACHINE_POLICY: path.join(work, 'missing.json') });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/missing\.json does not exist/);
  });

  it('warden serve with a malformed policy exits 2 instead of hanging', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--port', '0', '--data-dir', path.join(work, 'serve-home'), '--policy', policyFile('{]')],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WARDEN_MACHINE_POLICY: '' } },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 20_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code, `still running after 20 s; stderr: ${stderr}`).toBe(2);
    expect(stderr).toMatch(/policy file .* is not valid JSON/);
  });
});

describe('the machine-wide policy: the per-user file narrows, never widens', () => {
  it('without any policy the scripted answer allows the read', async () => {
    const r = await read(['--allow', `fs.read=${docs}`]);
    expect(r.out, r.stderr).toMatchObject({ ok: true });
  });

  it('a machine forbid holds even when the per-user file pre-approves the same read', async () => {
    const r = await read(['--allow', `fs.read=${docs}`, '--policy', policyFile(allowDocs)], {
      WARDEN_MACHINE_POLICY: policyFile(forbidDocs),
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatchObject({ ok: false, error: { code: 'EPERM', reason: 'policy' } });
  });

  it('the per-user file can add a forbid of its own', async () => {
    const r = await read(['--allow', `fs.read=${docs}`, '--policy', policyFile(forbidDocs)], {
      WARDEN_MACHINE_POLICY: policyFile(allowDocs),
    });
    expect(r.out).toMatchObject({ ok: false, error: { code: 'EPERM', reason: 'policy' } });
  });

  it('a machine pre-approval applies without a prompt; a machine "allow": [] stops per-user pre-approvals', async () => {
    const machineAllows = await read(['--deny-all'], { WARDEN_MACHINE_POLICY: policyFile(allowDocs) });
    expect(machineAllows.out, machineAllows.stderr).toMatchObject({ ok: true });
    const userOnly = await read(['--deny-all', '--policy', policyFile(allowDocs)]);
    expect(userOnly.out).toMatchObject({ ok: true });
    const widened = await read(['--deny-all', '--policy', policyFile(allowDocs)], {
      WARDEN_MACHINE_POLICY: policyFile({ version: 1, allow: [] }),
    });
    expect(widened.out).toMatchObject({ ok: false, error: { code: 'EPERM', reason: 'denied' } });
  });
});
