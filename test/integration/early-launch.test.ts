/**
 * A JavaScript extension's process is launched while the host still reads and checks its files
 * (core/supervision/activation.ts): it runs only Warden's code until `init`, which is sent only
 * once every check has passed. A check that fails stops that process unused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createForkLauncher } from '../../electron/core/process/fork-launcher';
import type { ExtensionChild, Launcher } from '../../electron/core/process/launcher';
import { withSendHook } from '../helpers/send-hook';
import {
  BOOTSTRAP,
  CODE_CACHE,
  createTestHost,
  load,
  tempDir,
  writeExtension,
  type TestHost,
} from '../helpers/sandbox';

let host: TestHost | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await host?.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The real launcher, recording every child it starts, when each exits, and what the host sends it. */
function recordingLauncher() {
  const sent: string[] = [];
  const children: Array<{ child: ExtensionChild; exited: Promise<void>; launchedAt: number }> = [];
  const inner = createForkLauncher({ bootstrapPath: BOOTSTRAP, codeCacheDir: CODE_CACHE });
  const counting: Launcher = {
    wall: inner.wall,
    launch(spec) {
      const child = inner.launch(spec);
      const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
      children.push({ child, exited, launchedAt: Date.now() });
      return child;
    },
  };
  const launcher = withSendHook(counting, (m) => sent.push((m as { t: string }).t));
  return { launcher, sent, children };
}

describe('an extension process launched while its files are read and checked', () => {
  it('gets init once the checks pass, and serves the command', async () => {
    const rec = recordingLauncher();
    host = createTestHost({ launcher: rec.launcher });
    const id = await host.add({
      commands: ['hi'],
      source: `exports.activate = () => host.commands.register('hi', () => 'hi');`,
    });
    expect(await host.supervisor.invoke(id, 'hi')).toEqual({ type: 'text', text: 'hi' });
    expect(rec.children).toHaveLength(1);
    expect(rec.sent.filter((t) => t === 'init')).toHaveLength(1);
  });

  it('is stopped unused, never sent init, when its bundle cannot be read', async () => {
    const rec = recordingLauncher();
    host = createTestHost({ launcher: rec.launcher });
    const parent = tempDir('warden-early-');
    dirs.push(parent);
    const dir = writeExtension(parent, {
      commands: ['hi'],
      source: `exports.activate = () => host.commands.register('hi', () => 'hi');`,
    });
    const ext = await load(dir);
    host.supervisor.add(ext);
    fs.rmSync(path.join(dir, 'dist', 'extension.js'));
    await expect(host.supervisor.invoke(ext.manifest.id, 'hi')).rejects.toMatchObject({ code: 'EINVAL' });
    expect(host.supervisor.status(ext.manifest.id).state).toBe('failed');
    expect(rec.children).toHaveLength(1);
    await rec.children[0]!.exited; // killed, not left waiting
    expect(rec.sent).not.toContain('init');
  });
});
