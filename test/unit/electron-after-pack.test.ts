// build/after-pack.cjs with a fake packager: Linux ships the wall (helper + run-as-Node marker)
// and leaves runAsNode on; macOS and Windows get runAsNode turned off.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';

const req = createRequire(import.meta.url);
const afterPack = (req('../../build/after-pack.cjs') as { default: (c: unknown) => Promise<void> }).default;
const ARCH_NUM: Record<string, number> = { ia32: 0, x64: 1, armv7l: 2, arm64: 3 };
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function context(platform: string) {
  const appOutDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-afterpack-'));
  dirs.push(appOutDir);
  fs.mkdirSync(path.join(appOutDir, 'resources'));
  const flips: Array<Record<string, unknown>> = [];
  return {
    flips,
    ctx: {
      electronPlatformName: platform,
      appOutDir,
      arch: ARCH_NUM[process.arch] ?? 1,
      packager: { addElectronFuses: async (_c: unknown, fuses: Record<string, unknown>) => void flips.push(fuses) },
    },
  };
}

describe('build/after-pack.cjs', () => {
  it('Linux: writes the run-as-Node marker, ships the helper when built, flips no fuse', async () => {
    const { ctx, flips } = context('linux');
    await afterPack(ctx);
    expect(flips).toEqual([]);
    const res = path.join(ctx.appOutDir, 'resources');
    expect(JSON.parse(fs.readFileSync(path.join(res, 'warden-runtime.json'), 'utf8'))).toEqual({ runAsNode: true });
    const built = fs.existsSync(path.join(__dirname, '..', '..', 'dist', 'native', 'warden-confine'));
    expect(fs.existsSync(path.join(res, 'bin', 'warden-confine'))).toBe(built);
  });

  it('macOS and Windows: runAsNode off, no marker', async () => {
    const { FuseV1Options } = req('@electron/fuses') as { FuseV1Options: { RunAsNode: number } };
    for (const platform of ['darwin', 'win32']) {
      const { ctx, flips } = context(platform);
      await afterPack(ctx);
      expect(flips).toHaveLength(1);
      expect(flips[0]![FuseV1Options.RunAsNode]).toBe(false);
      expect(fs.existsSync(path.join(ctx.appOutDir, 'resources', 'warden-runtime.json'))).toBe(false);
    }
  });
});
