// Issue 17 item 4 in the app's composition root: `warden serve` (serveHeadless: createAppHost with
// its warm pool, the host the panel speaks to) and createAppHost with a warm pool over a real fork
// launcher. The Python snapshot is made when the extension is loaded (before any command), the
// command's process starts from it, and with a warm pool the Python-ready spare (the interpreter
// already started from the verified snapshot) becomes the extension's process: its pid is the
// spare's pid. Real children, no timing assertions (a start's duration is only printed).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppHost, createForkLauncher, createWarmPool, type AppHost, type WarmPool } from '../../electron/core';
import { createLogger, memorySink } from '../../electron/core/platform/logger';
import { DEFAULT_LIMITS } from '../../electron/common/limits';
import { serveHeadless, type Serving } from '../../electron/web/serve';
import { BOOTSTRAP, EXAMPLES, ROOT, tempDir } from '../helpers/sandbox';
import { withSendHook } from '../helpers/send-hook';

const LONG = 900_000; // Python starts take seconds on a quiet machine; this one is shared
let work: string;
let ext: string;
beforeAll(() => {
  work = tempDir('warden-py-app-');
  ext = path.join(work, 'py-json-tools');
  fs.cpSync(path.join(EXAMPLES, 'py-json-tools'), ext, { recursive: true });
});
let serving: Serving | undefined;
let host: AppHost | undefined;
let pool: WarmPool | undefined;
afterAll(async () => {
  await serving?.close();
  await host?.close();
  pool?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

async function until(what: string, ok: () => boolean, ms = LONG): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const snapshotIn = (dataDir: string) => {
  const dir = path.join(dataDir, 'cache', 'v8');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^python-[0-9a-f]+\.snap$/.test(f)) : [];
};

const pythonStarts = (entries: Array<{ msg: string }>) =>
  entries.map((e) => e.msg).filter((m) => /python started in \d+ ms/.test(m));

async function runFormat(h: AppHost, text: string) {
  const r = await h.handle('commands.run', {
    runId: `r-${Date.now()}`,
    extensionId: 'warden-examples.py-json-tools',
    commandId: 'py-json-tools.format',
    args: { text },
  });
  expect(r.ok, JSON.stringify(r)).toBe(true);
  return (r as { value: { result: unknown } }).value.result;
}

describe('Python in the app host', () => {
  it(
    'warden serve: the snapshot is made when the extension loads and the first start does not start cold',
    async () => {
      const dataDir = path.join(work, 'serve');
      const sink = memorySink();
      serving = await serveHeadless({
        dataDir,
        bootstrapPath: BOOTSTRAP,
        rendererDir: path.join(ROOT, 'dist', 'renderer'),
        version: '1.0.0',
        port: 0,
        devFolders: [ext],
        logger: createLogger(sink),
      });
      // Made at load, before any command asked for the extension (and checked by its hash file).
      await until('the snapshot', () => snapshotIn(dataDir).length === 1);
      const snap = path.join(dataDir, 'cache', 'v8', snapshotIn(dataDir)[0]!);
      await until('its hash', () => fs.existsSync(`${snap}.sha256`));
      expect(pythonStarts(sink.entries)).toEqual([]);
      expect(await runFormat(serving.host, '[1,2]')).toEqual({ type: 'text', text: '[\n  1,\n  2\n]' });
      const starts = pythonStarts(sink.entries);
      console.log(`[python app host] serve: ${starts.join('; ')}`);
      expect(starts).toHaveLength(1);
      expect(starts[0]).toMatch(/\((from a snapshot|warm spare)\)/);
      await serving.close();
      serving = undefined;
    },
    LONG,
  );

  it(
    'with a warm pool the Python-ready spare becomes the extension process (same pid)',
    async () => {
      const dataDir = path.join(work, 'pool');
      const snapshots = { bootstrapPath: BOOTSTRAP, dir: path.join(dataDir, 'cache', 'v8') };
      const inner = createForkLauncher({ bootstrapPath: BOOTSTRAP, codeCacheDir: snapshots.dir });
      // Records what the pool does with its Python spare: which process, and the preload it sent.
      const preloadedPids: Array<number | undefined> = [];
      const recording = withSendHook(inner, (m, child, spec) => {
        if (spec.extensionId === '(python pool)' && m.t === 'python-preload') preloadedPids.push(child.pid);
      });
      const { pythonSnapshot, pythonRuntimeVerified } = await import('../../electron/core');
      pool = createWarmPool(recording, {
        size: 1,
        memoryMb: DEFAULT_LIMITS.memoryMb,
        refillDelayMs: 60_000,
        python: { snapshot: () => pythonSnapshot(snapshots), verified: () => pythonRuntimeVerified(snapshots) },
      });
      const sink = memorySink();
      host = createAppHost({
        dataDir,
        launcher: pool,
        mode: 'headless',
        version: '1.0.0',
        devFolders: [ext],
        pythonSnapshot: snapshots,
        logger: createLogger(sink),
      });
      const started: string[] = [];
      host.subscribe((event, payload) => {
        const detail = (payload as { detail?: string }).detail;
        if (event === 'activity.record' && detail?.includes('started')) started.push(detail);
      });
      await host.start();
      // Loading a Python extension asks the pool for a Python-ready spare.
      await until('the Python spare to be told to preload', () => preloadedPids.length > 0);
      const sparePid = preloadedPids[0];
      expect(sparePid).toBeGreaterThan(0);
      // Give the interpreter time to come up from the snapshot (not required: init waits for it).
      await new Promise((r) => setTimeout(r, 2000));
      expect(await runFormat(host, '{"a":1}')).toEqual({ type: 'text', text: '{\n  "a": 1\n}' });
      const starts = pythonStarts(sink.entries);
      console.log(`[python app host] pool: ${starts.join('; ')}`);
      expect(starts).toHaveLength(1);
      expect(starts[0]).toMatch(/\(warm spare\)/);
      expect(started.join('\n')).toContain(`process ${sparePid} started`);
      // The spare built the `host` module and ran its warm-up before the extension came; the
      // extension's start hashed nothing and started no interpreter (its phases, not their times).
      const ready = sink.entries.map((e) => e.msg).find((m) => /python spare ready in/.test(m));
      expect(ready).toMatch(/from a snapshot\).*runtime files read.*host module.*warm-up run/);
      // The spare read the snapshot and the runtime at the identities the host verified: no hashing.
      expect(ready).toMatch(/hashed 0\.0 MB$/);
      expect(starts[0]).toMatch(/hashed 0\.0 MB$/);
      expect(starts[0]).not.toMatch(/loadPyodide|runtime files/);
    },
    LONG,
  );
});
