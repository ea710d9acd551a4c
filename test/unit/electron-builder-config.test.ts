// electron-builder.yml, validated offline with electron-builder's own schema (no installer is
// built: that needs the network), plus the packaging inputs it names.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import type { Configuration } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';

const root = path.join(__dirname, '..', '..');

async function loadConfig(): Promise<Configuration> {
  return getConfig(root, 'electron-builder.yml', null);
}

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation', async () => {
    await expect(validateConfiguration(await loadConfig(), new DebugLogger(false))).resolves.toBeUndefined();
  }, 30_000);

  it('is really validated: an unknown key is rejected', async () => {
    const bad = { ...(await loadConfig()), bogusKey: true } as Configuration;
    await expect(validateConfiguration(bad, new DebugLogger(false))).rejects.toThrow(/bogusKey/);
  }, 30_000);

  it('names the app and packs an allow-list into an asar', async () => {
    const c = await loadConfig();
    expect(c.appId).toBe('dev.warden.app');
    expect(c.productName).toBe('Warden');
    expect(c.directories).toMatchObject({ output: 'release', buildResources: 'build' });
    expect(c.asar).toBe(true);
    // getConfig normalises `files` to [{ filter: [...] }].
    const patterns = ([c.files].flat() as Array<string | { filter?: string | string[] }>).flatMap((f) =>
      typeof f === 'string' ? [f] : [f.filter ?? []].flat(),
    );
    expect(patterns).toEqual(expect.arrayContaining(['dist/**', 'package.json', '!node_modules/**']));
    expect(patterns.filter((f) => !f.startsWith('!'))).toEqual(['dist/**', 'package.json']);
    expect(c.extraResources).toEqual([expect.objectContaining({ from: 'extensions/examples', to: 'extensions' })]);
  });

  it('flips the hardening fuses (runAsNode per platform, in the afterPack hook)', async () => {
    const c = await loadConfig();
    expect(c.afterPack).toBe('build/after-pack.cjs');
    expect(c.asarUnpack).toEqual(['dist/sandbox/**']);
    expect(c.electronFuses).toEqual({
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('targets AppImage + deb, a hardened-runtime dmg, and nsis', async () => {
    const c = await loadConfig();
    expect(c.linux?.target).toEqual(['AppImage', 'deb']);
    expect(c.mac).toMatchObject({
      target: 'dmg',
      hardenedRuntime: true,
      entitlements: 'build/entitlements.mac.plist',
      entitlementsInherit: 'build/entitlements.mac.inherit.plist',
    });
    expect(c.win?.target).toBe('nsis');
  });

  it('grants the macOS app JIT and nothing else', async () => {
    const c = await loadConfig();
    for (const file of [c.mac!.entitlements!, c.mac!.entitlementsInherit!]) {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      const keys = [...text.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);
      expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
    }
  });

  it('has a small generated icon of at least 512×512', () => {
    const icon = fs.readFileSync(path.join(root, 'build', 'icon.png'));
    expect(icon.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    expect(icon.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
    expect(icon.readUInt32BE(20)).toBeGreaterThanOrEqual(512);
    expect(icon.length).toBeLessThan(100 * 1024);
  });

  it('package.json points Electron at the bundled main process', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { main?: string };
    expect(pkg.main).toBe('dist/main/index.cjs');
  });
});
