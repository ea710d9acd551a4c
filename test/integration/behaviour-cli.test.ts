// Behaviour baselines through the real entry points: an installed, signed extension runs through
// `warden run` long enough to be learnt (a short learning phase set in the admin policy, as
// docs/behaviour.md says), then an update starts sending data to a host it never contacted.
// The run is stopped, the extension quarantined and rolled back; the audit log has the
// `anomaly` record; `warden anomalies` lists it, shows the incident and marks it expected.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeExtension } from '../helpers/sandbox';

const work = tempDir('warden-behaviour-');
const dataDir = path.join(work, 'data');
const received: Array<{ host: string; bytes: number }> = [];
let server: http.Server;
let port = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      received.push({ host: String(req.headers.host), bytes });
      res.end('{"items":[1,2,3]}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(
    path.join(dataDir, 'policy.json'),
    JSON.stringify({ version: 1, behaviour: { learning: { minCommands: 3, minDays: 0 } } }),
  );
});
afterAll(() => {
  server.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const ID = 'acme.sync';
const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir]);
function version(v: string, source: string): string {
  const parent = path.join(work, `v${v}`);
  fs.mkdirSync(parent, { recursive: true });
  return writeExtension(parent, {
    id: ID,
    commands: ['sync.run'],
    manifest: { version: v, permissions: { net: [`http://127.0.0.1:${port}/**`, `http://localhost:${port}/**`] } },
    source,
  });
}
const allow = () => ['--allow', `net=http://127.0.0.1:${port}`, '--allow', `net=http://localhost:${port}`];

describe('behaviour baselines through warden run', () => {
  it('learns an update-free routine, then contains and rolls back an update that exfiltrates', async () => {
    const key = path.join(work, 'publisher.key');
    expect((await runCli(['keygen', '--out', key])).code).toBe(0);
    const v1 = version(
      '1.0.0',
      `exports.activate = () => host.commands.register('sync.run', async () => {
         const r = await host.net.fetch('http://127.0.0.1:${port}/items');
         return { type: 'text', text: r.body.length + ' bytes' };
       });`,
    );
    const v2 = version(
      '2.0.0',
      `exports.activate = () => host.commands.register('sync.run', async () => {
         await host.net.fetch('http://127.0.0.1:${port}/items');
         await host.net.fetch('http://localhost:${port}/collect', { method: 'POST', body: 'x'.repeat(20000) });
         return { type: 'text', text: 'synced' };
       });`,
    );
    for (const [dir, out] of [
      [v1, 'v1.wext'],
      [v2, 'v2.wext'],
    ] as const)
      expect((await runCli(['pack', dir, '--key', key, '--out', path.join(work, out)])).code).toBe(0);
    const inst = await cli('install', '--yes', path.join(work, 'v1.wext'));
    expect(inst.code, inst.stderr).toBe(0);

    // Learning: three ordinary runs (the policy's short learning phase).
    for (let i = 0; i < 4; i++) {
      const r = await cli('run', ID, 'sync.run', ...allow());
      expect(r.code, r.stderr).toBe(0);
    }
    const profile = await cli('anomalies', 'profile', ID, '--json');
    expect(JSON.parse(profile.stdout)).toMatchObject({
      learning: { learned: true },
      destinations: [{ host: '127.0.0.1' }],
    });

    const up = await cli('update', '--yes', ID, path.join(work, 'v2.wext'));
    expect(up.code, up.stderr).toBe(0);
    const bad = await cli('run', ID, 'sync.run', ...allow());
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/stopped and quarantined: unusual behaviour: sent 19\.5 KiB to localhost/);
    expect(bad.stderr).toMatch(/rolled back 2\.0\.0 → 1\.0\.0/);

    // The anomaly is on record with its rule, numbers and version.
    const audit = (await cli('audit', '--extension', ID, '--json')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const anomalies = audit.filter((r) => r.kind === 'anomaly');
    expect(anomalies.map((r) => r.reason)).toContain('new-destination (high)');
    expect(anomalies.find((r) => r.reason === 'new-destination (high)').detail).toMatch(
      /response: contain \(contained, re-ask\); version 2\.0\.0; roll back to 1\.0\.0/,
    );

    // Rolled back and quarantined: the version running is 1.0.0 once released.
    expect((await cli('list')).stdout).toMatch(/acme\.sync\s+1\.0\.0/);
    expect((await cli('run', ID, 'sync.run', ...allow())).stderr).toMatch(/quarantined/);

    const list = JSON.parse((await cli('anomalies', '--json')).stdout) as { findings: Array<Record<string, unknown>> };
    const high = list.findings.find((f) => f.severity === 'high')!;
    expect(high).toMatchObject({
      ext: ID,
      version: '2.0.0',
      rule: 'new-destination',
      response: 'contain',
      rollbackTo: '1.0.0',
    });

    const incident = await cli('anomalies', 'incident', String(high.id));
    expect(incident.stdout).toContain(`# Incident: ${ID} 2.0.0`);
    expect(incident.stdout).toMatch(/\| localhost:\d+ \| 1 \|/);

    const accepted = await cli('anomalies', 'accept', String(high.id));
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain('released from quarantine');
    expect((await cli('run', ID, 'sync.run', ...allow())).code).toBe(0);
  }, 240_000);
});

describe('a throttle response through warden run', () => {
  const tDir = path.join(work, 'throttle-data');
  const tcli = (...args: string[]) => runCli([...args, '--data-dir', tDir]);
  const folder = (name: string, source: string) => {
    const parent = path.join(work, name);
    fs.mkdirSync(parent, { recursive: true });
    return writeExtension(parent, {
      id: 'acme.poll',
      commands: ['poll.run'],
      manifest: { permissions: { net: [`http://127.0.0.1:${port}/**`, `http://localhost:${port}/**`] } },
      source,
    });
  };

  it('divides the budgets of a deviating extension until the finding is marked expected, across runs', async () => {
    fs.mkdirSync(tDir, { recursive: true });
    fs.writeFileSync(
      path.join(tDir, 'policy.json'),
      JSON.stringify({
        version: 1,
        behaviour: {
          learning: { minCommands: 3, minDays: 0 },
          responses: { low: 'throttle', medium: 'throttle', high: 'throttle' },
        },
      }),
    );
    const usual = folder(
      'poll-usual',
      `exports.activate = () => host.commands.register('poll.run', async () => {
         await host.net.fetch('http://127.0.0.1:${port}/items');
         return { type: 'text', text: 'ok' };
       });`,
    );
    for (let i = 0; i < 4; i++) {
      const r = await tcli('run', usual, 'poll.run', ...allow());
      expect(r.code, r.stderr).toBe(0);
    }
    // The same extension now also talks to a host it never contacted, then polls 100 times: the
    // manifest's 600 requests a minute would allow them all; throttled to 1/10 they are refused.
    const polling = folder(
      'poll-new',
      `exports.activate = () => host.commands.register('poll.run', async () => {
         await host.net.fetch('http://localhost:${port}/new');
         let ok = 0;
         try {
           for (let i = 0; i < 100; i++) { await host.net.fetch('http://127.0.0.1:${port}/items'); ok++; }
         } catch (e) { return { type: 'text', text: ok + ' then ' + e.code + ': ' + e.message }; }
         return { type: 'text', text: ok + ' all' };
       });`,
    );
    const first = await tcli('run', polling, 'poll.run', ...allow());
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^\d+ then ERATE: .*throttled to 1\/10 after unusual behaviour/m);
    expect(Number(/^(\d+) then/m.exec(first.stdout)![1])).toBeLessThan(100);
    expect(first.stderr).toMatch(/throttled: its budgets are divided by 10/);

    // A new run of the host: the open finding still holds the throttle.
    const again = await tcli('run', polling, 'poll.run', ...allow());
    expect(again.stdout).toMatch(/then ERATE/);

    const list = JSON.parse((await tcli('anomalies', '--json')).stdout) as { findings: Array<Record<string, unknown>> };
    const f = list.findings.find((x) => x.response === 'throttle')!;
    expect(f).toBeDefined();
    const audit = (await tcli('audit', '--extension', 'acme.poll', '--json')).stdout;
    expect(audit).toMatch(/throttled: budgets divided by 10/);

    expect((await tcli('anomalies', 'accept', String(f.id))).code).toBe(0);
    for (const x of list.findings.filter((y) => y.response === 'throttle' && y.id !== f.id))
      await tcli('anomalies', 'accept', String(x.id));
    const after = await tcli('run', polling, 'poll.run', ...allow());
    expect(after.stdout).toContain('100 all');
  }, 240_000);
});
