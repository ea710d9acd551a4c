// Auto-rollback with a real supervisor and real processes: v2 crashes every time it runs, v1
// works; three unexpected exits soon after the update bring v1 back, reloaded and runnable.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createForkLauncher } from '../../electron/core/process/fork-launcher';
import { createSupervisor } from '../../electron/core/supervision/supervisor';
import { createAuditLog } from '../../electron/core/platform/audit-log';
import {
  createPackageRegistry,
  generateKeyPair,
  watchForAutoRollback,
  type AutoRollbackEvent,
} from '../../electron/core/packages';
import { BOOTSTRAP, CODE_CACHE, tempDir } from '../helpers/sandbox';
import { makePackage } from '../fixtures/packages/tools';

const key = generateKeyPair();
let work: string;
beforeAll(() => {
  work = tempDir('warden-autorb-');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const CRASHING = `exports.activate = () => {
  host.commands.register('hello', () => { const keep = []; for (;;) keep.push(new Array(100000).fill(1.5)); });
};`;

async function setup(opts: { crashes?: number; window?: number; updatedAgoMs?: number } = {}) {
  const dataDir = tempDir('warden-autorb-data-');
  const audit = createAuditLog({ file: `${dataDir}/audit/audit.jsonl` });
  const registry = createPackageRegistry(dataDir, { audit, now: () => Date.now() - (opts.updatedAgoMs ?? 0) });
  await registry.install(await makePackage(work, key, { version: '1.0.0', limits: { memoryMb: 32 } }));
  await registry.update(
    'acme.hello',
    await makePackage(work, key, { version: '2.0.0', source: CRASHING, limits: { memoryMb: 32 } }),
  );
  const supervisor = createSupervisor({
    launcher: createForkLauncher({ bootstrapPath: BOOTSTRAP, codeCacheDir: CODE_CACHE }),
    dataDir,
    restart: { baseMs: 10, maxMs: 50 },
  });
  supervisor.add(await registry.loadInstalled('acme.hello'));
  const watcher = watchForAutoRollback(supervisor, registry, {
    crashes: opts.crashes ?? 3,
    window: opts.window ?? 5 * 60_000,
  });
  const events: AutoRollbackEvent[] = [];
  watcher.onEvent((e) => events.push(e));
  return {
    dataDir,
    registry,
    supervisor,
    watcher,
    events,
    audit,
    async close() {
      watcher.stop();
      await supervisor.stopAll();
      supervisor.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('watchForAutoRollback', () => {
  it('rolls a crashing update back to the previous version after three unexpected exits', async () => {
    const t = await setup();
    try {
      for (let i = 0; i < 3; i++) {
        const err = (await t.supervisor.invoke('acme.hello', 'hello').catch((e: unknown) => e)) as { code: string };
        expect(['EINTERNAL', 'EQUOTA']).toContain(err.code);
        await vi.waitFor(() => expect(t.supervisor.status('acme.hello').lastExit?.expected).toBe(false));
      }
      await vi.waitFor(() => expect(t.events).toHaveLength(1), { timeout: 10_000 });
      await t.watcher.idle();
      expect(t.events[0]).toMatchObject({
        type: 'rolled-back',
        id: 'acme.hello',
        from: '2.0.0',
        to: '1.0.0',
        crashes: 3,
      });
      expect((t.events[0] as { message: string }).message).toMatch(
        /^acme\.hello 2\.0\.0 crashed 3 times within 300 s of the update to 2\.0\.0; rolled back to 1\.0\.0$/,
      );
      expect((await t.registry.list())[0]).toMatchObject({
        version: '1.0.0',
        lastRollback: { from: '2.0.0', to: '1.0.0' },
      });
      // v1 is loaded in the supervisor (released from the quarantine v2's crashes caused) and answers.
      expect(await t.supervisor.invoke('acme.hello', 'hello')).toEqual({ type: 'text', text: 'hello from 1.0.0' });
      expect(t.audit.read({ extensionId: 'acme.hello' }).map((r) => r.detail)).toContainEqual(
        expect.stringMatching(/^rolled back 2\.0\.0 → 1\.0\.0: crashed 3 times/),
      );
    } finally {
      await t.close();
    }
  });

  it('leaves an extension alone when the update is older than the window', async () => {
    const t = await setup({ updatedAgoMs: 10 * 60_000 });
    try {
      for (let i = 0; i < 3; i++) {
        await t.supervisor.invoke('acme.hello', 'hello').catch(() => {});
        await vi.waitFor(() => expect(t.supervisor.status('acme.hello').crashes).toBe(i + 1));
        await t.watcher.idle();
      }
      expect(t.events).toEqual([]);
      expect((await t.registry.list())[0]).toMatchObject({ version: '2.0.0' });
    } finally {
      await t.close();
    }
  });
});
