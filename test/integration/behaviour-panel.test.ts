// The panel's side of behaviour baselines, through the real app host (the object `warden serve`
// and the desktop app serve over their bridges): a signed extension is learnt and then updated to
// one that exfiltrates (through `warden run`, as in behaviour-cli.test.ts); the host then lists the
// finding, builds the incident around it (the command that ran, both versions, the new
// destination; Markdown and JSON), and "This is expected" folds it into the baseline and lifts
// the quarantine it caused. Installed packages show who signed them (the pinned key).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP, CODE_CACHE, runCli, tempDir, writeExtension } from '../helpers/sandbox';
import { createAppHost, type AppHost } from '../../electron/core/app/app-host';
import { createForkLauncher } from '../../electron/core/process/fork-launcher';
import {
  BRIDGE_METHODS,
  type BridgeMethod,
  type BridgeParams,
  type BridgeValue,
} from '../../electron/common/bridge/schemas';

const work = tempDir('warden-behaviour-panel-');
const dataDir = path.join(work, 'data');
let server: http.Server;
let port = 0;
let host: AppHost | undefined;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('{"items":[1,2,3]}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(
    path.join(dataDir, 'policy.json'),
    JSON.stringify({ version: 1, behaviour: { learning: { minCommands: 3, minDays: 0 } } }),
  );
});
afterAll(async () => {
  await host?.close();
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

/** Calls the host as a transport does, and checks the answer against the contract (as the renderer does). */
async function call<M extends BridgeMethod>(method: M, params: BridgeParams<M>): Promise<BridgeValue<M>> {
  const r = await host!.handle(method, params);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return BRIDGE_METHODS[method].result.parse(r.value) as BridgeValue<M>;
}

describe('behaviour findings through the app host', () => {
  it('lists, explains (incident) and accepts a post-update deviation; shows the signer', async () => {
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
    expect((await cli('install', path.join(work, 'v1.wext'))).code).toBe(0);
    for (let i = 0; i < 4; i++) expect((await cli('run', ID, 'sync.run', ...allow())).code).toBe(0);
    expect((await cli('update', ID, path.join(work, 'v2.wext'))).code).toBe(0);
    expect((await cli('run', ID, 'sync.run', ...allow())).stderr).toMatch(/quarantined: unusual behaviour/);

    host = createAppHost({
      dataDir,
      launcher: createForkLauncher({ bootstrapPath: BOOTSTRAP, codeCacheDir: CODE_CACHE }),
      mode: 'headless',
      version: 'test',
    });
    await host.start();

    // Who signed it: the publisher and the pinned key's fingerprint (as `warden keygen` printed it).
    const pinned = (await host.registry.record(ID))!.fingerprint;
    const [summary] = await call('extensions.list', {});
    expect(summary).toMatchObject({ id: ID, state: 'quarantined', signer: { publisher: 'acme' } });
    expect(summary!.signer!.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(summary!.signer!.fingerprint).toBe(pinned);
    expect(summary!.limits).toEqual({ cpuPercent: 50, memoryMb: 128 });

    const listed = await call('anomalies.list', {});
    expect(listed.enabled).toBe(true);
    const high = listed.findings.find((f) => f.severity === 'high')!;
    expect(high).toMatchObject({
      ext: ID,
      version: '2.0.0',
      rule: 'new-destination',
      state: 'open',
      rollbackTo: '1.0.0',
    });
    expect(await call('anomalies.list', { extensionId: ID })).toEqual(listed);

    const incident = await call('anomalies.incident', { findingId: high.id });
    expect(incident.summary.commands).toEqual(['sync.run']);
    expect(incident.summary.versions).toEqual(expect.arrayContaining(['1.0.0', '2.0.0']));
    expect(incident.summary.destinations.map((d) => d.host)).toContain(`localhost:${port}`);
    expect(
      incident.timeline.some((r) => r.kind === 'command' && r.target === 'sync.run' && r.version === '2.0.0'),
    ).toBe(true);
    expect(incident.markdown).toContain(`# Incident: ${ID} 2.0.0`);
    expect(incident.markdown).toMatch(new RegExp(`\\| localhost:${port} \\| 1 \\|`));

    const bad = await host.handle('anomalies.incident', { findingId: 'nope' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'ENOENT' } });
    expect(await host.handle('anomalies.accept', { findingId: '' })).toMatchObject({
      ok: false,
      error: { code: 'EINVAL' },
    });
    expect(await host.handle('anomalies.list', { all: 'yes' })).toMatchObject({ ok: false, error: { code: 'EINVAL' } });

    const accepted = await call('anomalies.accept', { findingId: high.id });
    expect(accepted).toMatchObject({ released: true, finding: { id: high.id, state: 'accepted' } });
    expect((await call('anomalies.list', {})).findings.map((f) => f.id)).not.toContain(high.id);
    expect((await call('anomalies.list', { all: true })).findings.find((f) => f.id === high.id)?.state).toBe(
      'accepted',
    );
    const after = await call('extensions.list', {});
    expect(after[0]!.state).not.toBe('quarantined');

    // The audit log has the acceptance, and the command the user runs from the panel.
    // Its fetch asks (no answer was remembered in this data folder): the "user" allows it once.
    const off = host.subscribe((event, payload) => {
      if (event === 'prompts.opened')
        void host!.handle('prompts.answer', {
          promptId: (payload as { promptId: string }).promptId,
          answer: { kind: 'allow-once' },
        });
    });
    const run = await call('commands.run', { runId: 'r1', extensionId: ID, commandId: 'sync.run', args: {} });
    off();
    expect(run.result).toEqual({ type: 'text', text: '17 bytes' });
    const records = await call('activity.query', { extensionId: ID });
    expect(records.some((r) => r.kind === 'anomaly' && r.reason === 'accepted')).toBe(true);
    expect(records.filter((r) => r.kind === 'command').at(-1)).toMatchObject({ target: 'sync.run', version: '1.0.0' });
  }, 240_000);
});
