// Issue 7: ordinary npm libraries run unmodified. Each fixture in test/compat/extensions/<name>/
// `require`s one library the normal way and exercises it; a copy in a temp folder (its
// node_modules a link to the repository's) is bundled by the real `warden build` and run by the
// real `warden run --json` in the real sandbox, so no build output lands in the tree. The
// result must equal a known answer (known-answers.ts, by hand) AND what the same `compute()` returns
// in plain Node, so a sandbox that changed a library's behaviour cannot pass.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load, ROOT, runCli, tempDir } from '../helpers/sandbox';
import { createSnapshotHost, MEMORY_MB, type SnapshotHost } from '../helpers/snapshot-host';
import { KNOWN, KNOWN_FAILURES, SANDBOX_DIFFERS } from './known-answers';

const FIXTURES = path.join(__dirname, 'extensions');
const nodeRequire = createRequire(__filename);

const LIBRARIES = Object.keys(KNOWN).sort();
let dataDir: string;
let buildDir: string;

/** A copy of the fixture to build and run; npm packages resolve through a link to the repo's. */
function copyFixture(lib: string): string {
  const dir = path.join(buildDir, lib);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, lib, 'manifest.json'), path.join(dir, 'manifest.json'));
  fs.cpSync(path.join(FIXTURES, lib, 'src'), path.join(dir, 'src'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

beforeAll(async () => {
  expect(fs.readdirSync(FIXTURES).sort()).toEqual(LIBRARIES);
  dataDir = tempDir('warden-compat-data-');
  buildDir = tempDir('warden-compat-');
  // The real `warden build`, a few at a time.
  const queue = [...LIBRARIES];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let lib = queue.shift(); lib; lib = queue.shift()) {
        const r = await runCli(['build', copyFixture(lib)]);
        if (r.code !== 0) throw new Error(`warden build ${lib} failed (${r.code}): ${r.stderr}`);
      }
    }),
  );
});
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(buildDir, { recursive: true, force: true });
});

describe.concurrent('npm libraries, bundled by warden build, in the sandbox', () => {
  it.each(LIBRARIES)('%s', async (lib) => {
    // The fixture itself, in plain Node: the known answer is right.
    const { compute } = nodeRequire(path.join(FIXTURES, lib, 'src', 'extension.js')) as { compute(): unknown };
    const inNode = JSON.parse(JSON.stringify(await compute())) as Record<string, unknown>;
    expect(inNode).toEqual(KNOWN[lib]);

    const r = await runCli(['run', path.join(buildDir, lib), 'run', '--json', '--data-dir', dataDir]);
    const out = JSON.parse(r.stdout) as { ok: boolean; result?: { type: string; value: unknown }; error?: unknown };
    const failure = KNOWN_FAILURES[lib];
    if (failure) {
      expect(out.error).toEqual(expect.objectContaining(failure));
      return;
    }
    expect(out.error).toBeUndefined();
    expect(out.ok).toBe(true);
    expect(out.result?.type).toBe('json');
    // The same answer in the sandbox (apart from documented differences).
    expect(out.result?.value).toEqual({ ...inNode, ...SANDBOX_DIFFERS[lib] });
  });
});

// The same bundles in processes started from the V8 start-up snapshot (lockdown inside the blob;
// on Node 20 with change-array-by-copy restored by the sandbox): every library gives the same
// answer on that path as on the usual one.
describe('the same libraries, in processes started from the start-up snapshot', () => {
  let host: SnapshotHost;
  let snapshotDir: string;
  beforeAll(async () => {
    snapshotDir = tempDir('warden-compat-snapshot-');
    host = createSnapshotHost(snapshotDir, { niceness: 0 });
    expect(await host.launcher.snapshotReady(MEMORY_MB)).toBe(true);
  });
  afterAll(async () => {
    await host.close();
    fs.rmSync(snapshotDir, { recursive: true, force: true });
  });

  it.each(LIBRARIES.filter((lib) => !KNOWN_FAILURES[lib]))('%s', async (lib) => {
    const { compute } = nodeRequire(path.join(FIXTURES, lib, 'src', 'extension.js')) as { compute(): unknown };
    const inNode = JSON.parse(JSON.stringify(await compute())) as Record<string, unknown>;
    const ext = await load(path.join(buildDir, lib));
    host.supervisor.add(ext);
    const result = (await host.supervisor.invoke(ext.manifest.id, 'run')) as { type: string; value: unknown };
    expect(result.type).toBe('json');
    expect(result.value).toEqual({ ...inNode, ...SANDBOX_DIFFERS[lib] });
    await host.supervisor.stop(ext.manifest.id);
    expect(host.paths.at(-1)).toMatchObject({ path: 'snapshot' });
    expect(host.cmdlines.at(-1)!.some((a) => a.startsWith('--snapshot-blob='))).toBe(true);
  });
});
