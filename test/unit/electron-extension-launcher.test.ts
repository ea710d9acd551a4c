// The app's choice of extension launcher, with every dependency faked: Linux with run-as-Node
// goes through the product's fork launcher (so through the OS wall), with the sandbox unpacked
// from the asar; anything else keeps utilityProcess and says "SES only".
import { describe, expect, it, vi } from 'vitest';
import type { ForkLauncherOptions, Launcher } from '../../electron/core';
import {
  chooseExtensionLauncher,
  unpackedPath,
  type ExtensionLauncherDeps,
} from '../../electron/main/extension-launcher';

vi.mock('electron', () => {
  throw new Error('unit tests must not load electron');
});

function deps(over: Partial<ExtensionLauncherDeps> = {}) {
  const made: ForkLauncherOptions[] = [];
  const forkLauncher: Launcher = {
    launch: vi.fn(),
    wall: { mechanism: 'landlock-seccomp', level: 'os', label: 'SES + Landlock/seccomp' },
  };
  const d: ExtensionLauncherDeps = {
    platform: 'linux',
    execPath: '/opt/Warden/warden',
    resourcesPath: '/opt/Warden/resources',
    isPackaged: true,
    bootstrapPath: '/opt/Warden/resources/app.asar/dist/sandbox/bootstrap.cjs',
    codeCacheDir: '/home/me/.config/Warden/cache/v8',
    fork: vi.fn(),
    createForkLauncher: (o) => (made.push(o), forkLauncher),
    readFile: (f) => (f === '/opt/Warden/resources/warden-runtime.json' ? '{"runAsNode":true}' : undefined),
    ...over,
  };
  return { d, made, forkLauncher };
}

describe('chooseExtensionLauncher', () => {
  it('Linux with the run-as-Node marker: Electron as Node through the fork launcher and its wall', () => {
    const { d, made, forkLauncher } = deps();
    expect(chooseExtensionLauncher(d)).toEqual({ launcher: forkLauncher, route: 'fork' });
    expect(made).toEqual([
      {
        bootstrapPath: '/opt/Warden/resources/app.asar.unpacked/dist/sandbox/bootstrap.cjs',
        execPath: '/opt/Warden/warden',
        codeCacheDir: '/home/me/.config/Warden/cache/v8',
        runtimeEnv: { ELECTRON_RUN_AS_NODE: '1' },
        runtimeResourceDirs: ['/opt/Warden'],
        confineHelperPath: '/opt/Warden/resources/bin/warden-confine',
        nodePermissionUsable: false,
      },
    ]);
  });

  it('a packaged Linux build without the marker (fuse off) keeps utilityProcess and says SES only', () => {
    const { d, made } = deps({ readFile: () => undefined });
    const { launcher: l, route } = chooseExtensionLauncher(d);
    expect(route).toBe('utility');
    expect(made).toEqual([]);
    expect(l.wall?.label).toBe('SES only');
    expect(chooseExtensionLauncher(deps({ readFile: () => '{"runAsNode":"yes"}' }).d).launcher.wall?.label).toBe(
      'SES only',
    );
    expect(chooseExtensionLauncher(deps({ readFile: () => 'not json' }).d).launcher.wall?.label).toBe('SES only');
  });

  it('macOS and Windows keep utilityProcess (SES only) even with a marker', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const { d, made } = deps({ platform });
      expect(chooseExtensionLauncher(d).launcher.wall?.mechanism).toBe('none');
      expect(made).toEqual([]);
    }
  });

  it('a development run (not packaged) on Linux uses the wall with the built helper', () => {
    const { d, made } = deps({
      isPackaged: false,
      readFile: () => undefined,
      bootstrapPath: '/src/dist/sandbox/bootstrap.cjs',
    });
    chooseExtensionLauncher(d);
    expect(made[0]).toMatchObject({ bootstrapPath: '/src/dist/sandbox/bootstrap.cjs', confineHelperPath: undefined });
  });

  it('unpackedPath only rewrites the asar folder', () => {
    expect(unpackedPath('/a/app.asar/dist/x.cjs')).toBe('/a/app.asar.unpacked/dist/x.cjs');
    expect(unpackedPath('/a/app.asarx/dist/x.cjs')).toBe('/a/app.asarx/dist/x.cjs');
  });
});
