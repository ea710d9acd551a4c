// A compromised child (test/fixtures/security/hostile-child.cjs) that answers one call several
// times: every result after the first is protocol abuse and counts as a violation, while the one
// late result of a call the host timed out is not.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP, CODE_CACHE, createTestHost, ROOT, tempDir, type TestHost } from '../helpers/sandbox';
import { createForkLauncher } from '../../electron/core/process/fork-launcher';
import type { Launcher } from '../../electron/core/process/launcher';
import { NEIGHBOUR_COMMANDS, NEIGHBOUR_SOURCE, whileNeighbourAnswers } from './neighbour';

const HOSTILE_CHILD = path.join(ROOT, 'test', 'fixtures', 'security', 'hostile-child.cjs');
const NEIGHBOUR = 'good.neighbour';
let host: TestHost;
let entries: string;
const routes = new Map<string, Launcher>();

beforeAll(async () => {
  entries = tempDir('warden-hostile-');
  const sandbox = createForkLauncher({ bootstrapPath: BOOTSTRAP, codeCacheDir: CODE_CACHE });
  const launcher: Launcher = { launch: (spec) => (routes.get(spec.extensionId) ?? sandbox).launch(spec) };
  host = createTestHost({ launcher, timeouts: { hangMs: 3000, heartbeatMs: 100 } });
  await host.add({ id: NEIGHBOUR, commands: NEIGHBOUR_COMMANDS, source: NEIGHBOUR_SOURCE });
});
afterAll(async () => {
  await host?.close();
  fs.rmSync(entries, { recursive: true, force: true });
});

async function addHostile(behaviour: string): Promise<string> {
  // Beside the entry: under the OS wall a child reads nothing outside its bundle's folder.
  const entry = path.join(entries, `${behaviour}.cjs`);
  fs.copyFileSync(HOSTILE_CHILD, path.join(entries, 'hostile-child.cjs'));
  fs.writeFileSync(entry, `require('./hostile-child.cjs').run(${JSON.stringify(behaviour)});\n`);
  const id = `hostile.${behaviour}`;
  routes.set(id, createForkLauncher({ bootstrapPath: entry }));
  await host.add({ id, source: '/* never evaluated */' });
  await host.supervisor.start(id);
  return id;
}

const violations = (id: string) => host.supervisor.status(id).stats?.violations;
const settle = () => new Promise((r) => setTimeout(r, 500));

describe('results for calls that already settled', () => {
  it('a second (third…) result for a settled call is a violation each time', async () => {
    const id = await addHostile('double-result');
    const { settled } = await whileNeighbourAnswers(host, NEIGHBOUR, host.supervisor.invoke(id, 'run', {}));
    expect(settled).toEqual({ ok: true, value: { type: 'text', text: 'answer 0' } });
    await settle();
    expect(violations(id)).toBe(5);
  });

  it('the one late result of a call the host timed out is not', async () => {
    const id = await addHostile('late-result');
    const { settled } = await whileNeighbourAnswers(
      host,
      NEIGHBOUR,
      host.supervisor.invoke(id, 'run', {}, { timeoutMs: 300 }),
    );
    expect(settled.ok).toBe(false);
    await new Promise((r) => setTimeout(r, 1200));
    expect(violations(id)).toBe(0);
  });
});
