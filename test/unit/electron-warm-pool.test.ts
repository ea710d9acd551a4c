// The Electron app's warm pool (electron/main/warm-pool.ts), with the launcher faked and the
// core's own createWarmPool: one waiting process from the start; once a Python extension is
// loaded (the host's `prepare`), a Python-ready spare told to preload from the snapshot the core
// made; a Python launch takes that spare; closing the app's host closes the pool after it.
import { describe, expect, it, vi } from 'vitest';
import { createWarmPool, type ExtensionChild, type LaunchSpec, type Launcher } from '../../electron/core';
import { createAppWarmPool, withPool } from '../../electron/main/warm-pool';
import type { AppHostLike } from '../../electron/main/bridge-host';

vi.mock('electron', () => {
  throw new Error('unit tests must not load electron');
});

interface FakeChild extends ExtensionChild {
  spec: LaunchSpec;
  sent: unknown[];
  killed: boolean;
  hello(): void;
}

function fakeLauncher() {
  const children: FakeChild[] = [];
  let pid = 100;
  const launcher: Launcher = {
    launch(spec) {
      const listeners: Array<(m: unknown) => void> = [];
      const child: FakeChild = {
        spec,
        sent: [],
        killed: false,
        pid: pid++,
        onMessage: (l) => void listeners.push(l),
        onViolation: () => {},
        onOutput: () => {},
        onExit: () => {},
        send: (m) => void child.sent.push(m),
        kill: () => void (child.killed = true),
        hello: () => listeners.forEach((l) => l({ t: 'hello' })),
      };
      children.push(child);
      return child;
    },
    wall: { mechanism: 'none', level: 'none', label: 'SES only' },
  };
  return { launcher, children };
}

const tick = () => new Promise((r) => setTimeout(r, 10));
const SNAPSHOTS = { bootstrapPath: '/app/dist/sandbox/bootstrap.cjs', dir: '/home/me/.config/Warden/cache/v8' };
const SNAP = { file: '/home/me/.config/Warden/cache/v8/python-abc.snap', sha256: 'a'.repeat(64) };

describe('the app warm pool', () => {
  it('keeps one waiting process, and a Python-ready spare preloaded from the snapshot once a Python extension is loaded', async () => {
    const { launcher, children } = fakeLauncher();
    const pythonSnapshot = vi.fn(async () => SNAP);
    const pool = createAppWarmPool(
      { createWarmPool, pythonSnapshot },
      { launcher, memoryMb: 128, pythonSnapshot: SNAPSHOTS },
    );
    try {
      expect(children.map((c) => c.spec.extensionId)).toEqual(['(pool)']);
      expect(pool.wall).toBe(launcher.wall);
      expect(pool.pythonWaiting).toBe(0);
      // No Python extension yet: no Python spare (it would hold ~150 MiB for nothing).
      await tick();
      expect(children).toHaveLength(1);

      pool.prepare!({ extensionId: 'acme.py', memoryMb: 128, runtime: 'python' });
      await tick();
      const spare = children.find((c) => c.spec.extensionId === '(python pool)');
      expect(spare).toBeDefined();
      expect(pool.pythonWaiting).toBe(1);
      spare!.hello();
      await tick();
      expect(pythonSnapshot).toHaveBeenCalledWith(SNAPSHOTS);
      expect(spare!.sent).toEqual([{ t: 'python-preload', memoryMb: 128, snapshot: SNAP }]);

      // The Python extension's launch is served by that spare; a JavaScript one by the plain one.
      expect(pool.launch({ extensionId: 'acme.py', memoryMb: 128, runtime: 'python' }).pid).toBe(spare!.pid);
      const plain = children[0]!;
      expect(pool.launch({ extensionId: 'acme.js', memoryMb: 128 }).pid).toBe(plain.pid);
      // Another memory limit launches directly.
      const direct = pool.launch({ extensionId: 'acme.big', memoryMb: 512, runtime: 'python' });
      expect(children.find((c) => c.pid === direct.pid)!.spec.extensionId).toBe('acme.big');
    } finally {
      pool.close();
    }
  });

  it('without a snapshot (Electron cannot run as Node) the Python spare starts cold, and no snapshot is made', async () => {
    const { launcher, children } = fakeLauncher();
    const pythonSnapshot = vi.fn(async () => SNAP);
    const pool = createAppWarmPool({ createWarmPool, pythonSnapshot }, { launcher, memoryMb: 128 });
    try {
      pool.prepare!({ extensionId: 'acme.py', memoryMb: 128, runtime: 'python' });
      await tick();
      const spare = children.find((c) => c.spec.extensionId === '(python pool)')!;
      spare.hello();
      await tick();
      expect(spare.sent).toEqual([{ t: 'python-preload', memoryMb: 128 }]);
      expect(pythonSnapshot).not.toHaveBeenCalled();
    } finally {
      pool.close();
    }
  });

  it('closing the host stops the extensions first, then kills the waiting processes (also when closing fails)', async () => {
    for (const fails of [false, true]) {
      const { launcher, children } = fakeLauncher();
      const pool = createAppWarmPool(
        { createWarmPool, pythonSnapshot: async () => undefined },
        { launcher, memoryMb: 128 },
      );
      const order: string[] = [];
      const host: AppHostLike = {
        handle: vi.fn(async () => ({ ok: true as const, value: {} })) as AppHostLike['handle'],
        subscribe: vi.fn(() => () => {}),
        close: async () => {
          order.push(`host closed, waiting killed: ${children[0]!.killed}`);
          if (fails) throw new Error('stop failed');
        },
      };
      const owned = withPool(host, pool);
      await owned.handle('extensions.list', {});
      expect(host.handle).toHaveBeenCalledWith('extensions.list', {});
      owned.subscribe(() => {});
      expect(host.subscribe).toHaveBeenCalledTimes(1);
      const closing = owned.close();
      if (fails) await expect(closing).rejects.toThrow('stop failed');
      else await closing;
      expect(order).toEqual(['host closed, waiting killed: false']);
      expect(children[0]!.killed).toBe(true);
      expect(pool.waiting).toBe(0);
    }
  });
});
