// CRASH INJECTION: the real CLI runs install / update / rollback / pending update / approve /
// uninstall and is killed with SIGKILL (1) at every write/rename step, through the installer's
// test hook (WARDEN_TEST_CRASH_AT_STEP), and (2) at random instants while the operation runs.
// After each kill, recovery must leave exactly the old state or the new one, with no leftovers,
// and `warden list` and `warden run <id> <cmd>` must accept it.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, listInstalled, loadInstalled, readState, recover } from '../../electron/core/packages';
import { sha256Hex } from '../../electron/core/packages/verify';
import { CLI, runCli, tempDir } from '../helpers/sandbox';
import { makePackage } from '../fixtures/packages/tools';

const RANDOM_KILLS = Number(process.env.WARDEN_CRASH_RANDOM_KILLS ?? 150);
const key = generateKeyPair();
let work: string;
let ops: Array<{ name: string; args: string[] }>;
/** templates[k] = a data folder in the state before op k (templates[ops.length] after all). */
const templates: string[] = [];
const summaries: string[] = [];

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function runOp(
  args: string[],
  dataDir: string,
  env: Record<string, string>,
  killAfterFirstStepMs?: number,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, '--data-dir', dataDir], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let armed = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (killAfterFirstStepMs !== undefined && !armed && stderr.includes('warden-test-step 1 ')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterFirstStepMs);
      }
    });
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** What `list` shows that must be either the old or the new state. */
async function summary(dataDir: string): Promise<string> {
  const items = await listInstalled(dataDir);
  return JSON.stringify(
    items.map((i) => ({ id: i.id, version: i.version, kept: i.kept, pending: i.pending?.version, problem: i.problem })),
  );
}

function copyTemplate(k: number): string {
  const dir = tempDir('warden-crash-run-');
  fs.cpSync(templates[k]!, dir, { recursive: true });
  return dir;
}

/** Recovery, then: old or new state, nothing unreferenced on disk, the active version loads intact. */
async function checkConsistent(dataDir: string, k: number, label: string): Promise<void> {
  await recover(dataDir);
  const got = await summary(dataDir);
  expect([summaries[k], summaries[k + 1]], `${label}: state after recovery`).toContain(got);
  const root = path.join(dataDir, 'extensions');
  const state = await readState(dataDir);
  const onDisk = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((n) => n !== 'state.json')
        .sort()
    : [];
  expect(onDisk, `${label}: top-level leftovers`).toEqual(Object.keys(state.extensions).sort());
  for (const [id, rec] of Object.entries(state.extensions)) {
    const dirs = new Set([...rec.kept.map((v) => v.dir), ...(rec.pending ? [rec.pending.dir] : [])]);
    expect(fs.readdirSync(path.join(root, id)).sort(), `${label}: ${id} folders`).toEqual([...dirs].sort());
    const ext = await loadInstalled(dataDir, id);
    expect(sha256Hex(fs.readFileSync(ext.mainPath)), `${label}: bundle intact`).toBe(ext.integrity?.mainSha256);
  }
}

async function checkWithCli(dataDir: string, label: string): Promise<void> {
  const list = await runCli(['list', '--json', '--data-dir', dataDir]);
  expect(list.code, `${label}: warden list ${list.stderr}`).toBe(0);
  const items = JSON.parse(list.stdout) as Array<{ id: string; version: string }>;
  for (const item of items) {
    const r = await runCli(['run', item.id, 'hello', '--data-dir', dataDir]);
    expect(r.code, `${label}: warden run ${r.stderr}`).toBe(0);
    expect(r.stdout).toBe(`hello from ${item.version}\n`);
  }
}

beforeAll(async () => {
  work = tempDir('warden-crash-');
  const v1 = await makePackage(work, key, { version: '1.0.0' });
  const v2 = await makePackage(work, key, { version: '2.0.0' });
  const v3 = await makePackage(work, key, {
    version: '3.0.0',
    permissions: { 'fs.read': ['~/Documents/**'], net: ['https://api.example.com/**'] },
  });
  const v4 = await makePackage(work, key, { version: '4.0.0' });
  ops = [
    { name: 'install', args: ['install', '--yes', v1] },
    { name: 'update', args: ['update', '--yes', 'acme.hello', v2] },
    { name: 'rollback', args: ['rollback', 'acme.hello'] },
    { name: 'update (pending)', args: ['update', '--yes', 'acme.hello', v3] },
    { name: 'approve', args: ['approve', 'acme.hello'] },
    { name: 'update (prunes)', args: ['update', '--yes', 'acme.hello', v4] },
    { name: 'uninstall', args: ['uninstall', 'acme.hello'] },
  ];
  let dir = tempDir('warden-crash-tpl-');
  templates.push(dir);
  summaries.push(await summary(dir));
  for (const op of ops) {
    const next = tempDir('warden-crash-tpl-');
    fs.cpSync(dir, next, { recursive: true });
    const r = await runCli([...op.args, '--data-dir', next]);
    expect(r.code, `${op.name}: ${r.stderr}`).toBe(0);
    templates.push(next);
    summaries.push(await summary(next));
    dir = next;
  }
  expect(new Set(summaries).size).toBe(summaries.length - 1); // before install = after uninstall
}, 120_000);

afterAll(() => {
  for (const t of templates) fs.rmSync(t, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

describe('crash injection (SIGKILL)', () => {
  const stepCounts: number[] = [];

  it('kills the CLI at every write and rename step of every operation', async () => {
    let points = 0;
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k]!;
      const probe = copyTemplate(k);
      const traced = await runOp(op.args, probe, { WARDEN_TEST_CRASH_TRACE: '1' });
      expect(traced.code, traced.stderr).toBe(0);
      const steps = (traced.stderr.match(/^warden-test-step /gm) ?? []).length;
      expect(steps, `${op.name} has crash points`).toBeGreaterThan(1);
      stepCounts[k] = steps;
      fs.rmSync(probe, { recursive: true, force: true });
      for (let n = 1; n <= steps; n++) {
        const dataDir = copyTemplate(k);
        const label = `${op.name}, killed at step ${n}/${steps}`;
        const r = await runOp(op.args, dataDir, { WARDEN_TEST_CRASH_AT_STEP: String(n) });
        expect(r.signal, label).toBe('SIGKILL');
        await checkConsistent(dataDir, k, label);
        // The CLI view (list + run in the real sandbox) at the first, last and every third point.
        if (n === 1 || n === steps || n % 3 === 0) await checkWithCli(dataDir, label);
        fs.rmSync(dataDir, { recursive: true, force: true });
        points++;
      }
    }
    expect(points).toBeGreaterThanOrEqual(50);
  }, 600_000);

  it(`kills the CLI at ${RANDOM_KILLS} random instants during the operations`, async () => {
    let killed = 0;
    for (let i = 0; i < RANDOM_KILLS; i++) {
      const k = i % ops.length;
      const op = ops[k]!;
      const dataDir = copyTemplate(k);
      const label = `${op.name}, random kill #${i}`;
      // The trace marks when the operation proper starts; the kill lands 0–40 ms after it.
      const r = await runOp(op.args, dataDir, { WARDEN_TEST_CRASH_TRACE: '1' }, Math.random() * 40);
      if (r.signal === 'SIGKILL') killed++;
      else expect(r.code, `${label}: ${r.stderr}`).toBe(0);
      await checkConsistent(dataDir, k, label);
      if (i % 15 === 0) await checkWithCli(dataDir, label);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    // Most kills land inside the operation (a few finish first on a fast machine).
    expect(killed).toBeGreaterThan(RANDOM_KILLS / 3);
  }, 900_000);
});
