/** Shared helpers: real extensions in temp folders, run by a real supervisor and real processes. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { createForkLauncher } from '../../electron/core/process/fork-launcher';
import { createSupervisor, type Supervisor, type SupervisorOptions } from '../../electron/core/supervision/supervisor';
import { loadExtensionFolder, type LoadedExtension } from '../../electron/core/supervision/extension-loader';
import { createLogger, memorySink } from '../../electron/core/platform/logger';
import type { ManifestInput } from '../../electron/common/manifest';
import { DEFAULT_LIMITS } from '../../electron/common/limits';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BOOTSTRAP = path.join(ROOT, 'dist', 'sandbox', 'bootstrap.cjs');
export const CLI = path.join(ROOT, 'dist', 'cli', 'warden.cjs');
export const EXAMPLES = path.join(ROOT, 'extensions', 'examples');
/** Shared by test runs: V8 rejects a stale cache, so sharing is safe and saves start-up time. */
export const CODE_CACHE = path.join(os.tmpdir(), 'warden-test-code-cache');

export function tempDir(prefix = 'warden-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface FixtureSpec {
  id?: string;
  commands?: string[];
  manifest?: Partial<ManifestInput>;
  /** Bundle source (CommonJS, runs with `host` in scope). */
  source: string;
}

/** Writes an extension folder (manifest.json + dist/extension.js) and returns its path. */
export function writeExtension(parent: string, spec: FixtureSpec): string {
  const id = spec.id ?? `test.ext-${Math.random().toString(36).slice(2, 8)}`;
  const dir = path.join(parent, id);
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  const manifest = {
    id,
    name: `Test ${id}`,
    version: '1.0.0',
    publisher: id.split('.')[0],
    main: 'dist/extension.js',
    engines: { warden: '^1.0.0' },
    contributes: { commands: (spec.commands ?? ['run']).map((c) => ({ id: c, title: c })) },
    ...spec.manifest,
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(dir, 'dist', 'extension.js'), spec.source);
  return dir;
}

export async function load(dir: string): Promise<LoadedExtension> {
  const r = await loadExtensionFolder(dir);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.extension;
}

export interface TestHost {
  supervisor: Supervisor;
  dataDir: string;
  logs: ReturnType<typeof memorySink>;
  /** Writes, loads and adds an extension; returns its id. */
  add(spec: FixtureSpec): Promise<string>;
  close(): Promise<void>;
}

/**
 * `WARDEN_TEST_START_PATH=snapshot`: every test host starts its processes from the V8 start-up
 * snapshot (built once into CODE_CACHE, verified before the first extension is added), to run a
 * tier on that start path; otherwise processes start as the product's default does.
 */
const SNAPSHOT_TIER = process.env.WARDEN_TEST_START_PATH === 'snapshot';

export function createTestHost(options: Partial<SupervisorOptions> = {}): TestHost {
  const dataDir = tempDir('warden-data-');
  const extDir = tempDir('warden-ext-');
  const logs = memorySink();
  // A launcher passed in (e.g. test/helpers/snapshot-host.ts) is the caller's to set up.
  const launcher = options.launcher
    ? undefined
    : createForkLauncher({ bootstrapPath: BOOTSTRAP, codeCacheDir: CODE_CACHE, startupSnapshot: SNAPSHOT_TIER });
  let snapshotChecked = !SNAPSHOT_TIER || !launcher;
  const supervisor = createSupervisor({
    launcher: launcher!,
    dataDir,
    logger: createLogger(logs),
    ...options,
  });
  return {
    supervisor,
    dataDir,
    logs,
    async add(spec) {
      if (!snapshotChecked && launcher) {
        if (!(await launcher.snapshotReady(DEFAULT_LIMITS.memoryMb)))
          throw new Error(`start-up snapshot not usable: ${launcher.startPath(DEFAULT_LIMITS.memoryMb).detail}`);
        snapshotChecked = true;
      }
      const ext = await load(writeExtension(extDir, spec));
      supervisor.add(ext);
      return ext.manifest.id;
    },
    async close() {
      await supervisor.stopAll();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(extDir, { recursive: true, force: true });
    },
  };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `warden` CLI as a user would, with its own data folder. */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ...env }, timeout: timeoutMs },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
