// The admin policy's `sandbox.requireWall` through a real supervisor and real processes: below the
// required wall an extension is refused (EPERM, reason policy, audited); at or above it, it runs,
// its status names its walls, and the audit log records them when the process starts.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createForkLauncher } from '../../electron/core/process/fork-launcher';
import { createDefaultServices, servicePaths } from '../../electron/core/host-api/services';
import { EMPTY_POLICY } from '../../electron/core/permissions/policy';
import type { WallChoice } from '../../electron/core/process/wall-probe';
import type { WallLevel } from '../../electron/common/wall';
import { BOOTSTRAP, CODE_CACHE, createTestHost, tempDir, type TestHost } from '../helpers/sandbox';

const hosts: TestHost[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

function host(wall: WallChoice, requireWall: WallLevel) {
  const dataDir = tempDir('warden-wallpol-');
  dirs.push(dataDir);
  const services = createDefaultServices(dataDir, { policy: { ...EMPTY_POLICY, sandbox: { requireWall } } });
  const h = createTestHost({
    launcher: createForkLauncher({ bootstrapPath: BOOTSTRAP, codeCacheDir: CODE_CACHE, wall }),
    services,
  });
  hosts.push(h);
  return { h, audit: () => fs.readFileSync(servicePaths(dataDir).audit, 'utf8') };
}
const SOURCE = `host.commands.register('run', () => ({ type: 'text', text: 'ran' }));`;

describe('policy: sandbox.requireWall', () => {
  it('refuses to run an extension below the required wall, with a clear, audited EPERM', async () => {
    const { h, audit } = host('none', 'node');
    const id = await h.add({ source: SOURCE });
    await expect(h.supervisor.invoke(id, 'run')).rejects.toMatchObject({
      code: 'EPERM',
      reason: 'policy',
      message: expect.stringMatching(/requires at least Node's permission model; this machine offers SES only/),
    });
    expect(h.supervisor.status(id).state).toBe('failed');
    expect(audit()).toMatch(/"kind":"violation".*wall: the admin policy requires/);
  });

  it('runs at the required level; status and audit name the walls', async () => {
    const { h, audit } = host('node-permission', 'node');
    const id = await h.add({ source: SOURCE });
    expect(await h.supervisor.invoke(id, 'run')).toEqual({ type: 'text', text: 'ran' });
    expect(h.supervisor.status(id).wall.label).toBe('SES + Node permissions');
    expect(audit()).toMatch(/started behind SES \+ Node permissions/);
  });
});
